/**
 * Consumes the benchmark topic from the beginning with @platformatic/kafka in a fresh consumer group,
 * the way the `kafka` source does (pull mode, batches of up to 1000, manual commit per batch), and prints
 * one JSON line with the rate. Usage: node bench/kafka-clients/consume-platformatic.ts [--records N] [--topic T]
 */
import { parseArgs } from 'node:util';
import { Consumer, type Message } from '@platformatic/kafka';
import { readBatch } from '../../src/sources/kafka/read-batch.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    topic: { type: 'string', default: 'bench-1k' },
    brokers: { type: 'string', default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092' },
  },
});
const records = Number(values.records);
const consumer = new Consumer({
  clientId: 'bench-platformatic',
  groupId: `bench-platformatic-${process.pid}-${Date.now()}`,
  bootstrapBrokers: values.brokers.split(','),
  autocommit: false,
  maxWaitTime: 500,
  maxBytes: 8 * 1024 * 1024,
  highWaterMark: 2048,
});
const started = process.hrtime.bigint();
const stream = await consumer.consume({ topics: [values.topic], mode: 'earliest', autocommit: false });
stream.on('readable', () => {});
let count = 0;
let bytes = 0;
const signal = new AbortController().signal;
while (count < records) {
  const batch = await readBatch<Message<Buffer, Buffer, Buffer, Buffer>>(stream, 1000, signal);
  if (batch === null) break;
  for (const m of batch) bytes += m.value?.length ?? 0;
  count += batch.length;
  const last = new Map<string, { topic: string; partition: number; offset: bigint; leaderEpoch: number }>();
  for (const m of batch) {
    last.set(`${m.topic}/${m.partition}`, {
      topic: m.topic,
      partition: m.partition,
      offset: m.offset + 1n,
      leaderEpoch: m.leaderEpoch,
    });
  }
  await consumer.commit({ offsets: [...last.values()] });
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const rss = process.memoryUsage().rss;
await stream.close();
await consumer.close(true);
console.log(
  JSON.stringify({
    client: '@platformatic/kafka',
    records: count,
    seconds: +seconds.toFixed(2),
    rate: Math.round(count / seconds),
    mibPerSecond: +(bytes / seconds / 1048576).toFixed(1),
    rssMiB: Math.round(rss / 1048576),
  }),
);
