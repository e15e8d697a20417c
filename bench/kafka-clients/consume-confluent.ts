/**
 * The same measurement with @confluentinc/kafka-javascript (librdkafka), which is NOT a dependency of the
 * repo: build it in a scratch folder (see docs/decisions/0002-kafka-client.md) and point CKJS_DIR at it.
 * Uses its KafkaJS-style API with eachBatch (batches of up to 1000), auto-commit off and a manual commit per
 * batch, like our source.
 * Usage: CKJS_DIR=/tmp/ckjs/app node bench/kafka-clients/consume-confluent.ts [--records N] [--topic T]
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    topic: { type: 'string', default: 'bench-1k' },
    brokers: { type: 'string', default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092' },
  },
});

interface BatchPayload {
  batch: { topic: string; partition: number; messages: Array<{ offset: string; value: Buffer | null }> };
}
interface CkjsConsumer {
  connect(): Promise<void>;
  subscribe(options: { topics: string[] }): Promise<void>;
  run(options: { eachBatch: (payload: BatchPayload) => Promise<void> }): Promise<void>;
  commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void>;
  disconnect(): Promise<void>;
}
interface Ckjs {
  KafkaJS: { Kafka: new (config: unknown) => { consumer(config: unknown): CkjsConsumer } };
}

const require = createRequire(join(process.env['CKJS_DIR'] ?? '/tmp/ckjs/app', 'package.json'));
const { KafkaJS } = require('@confluentinc/kafka-javascript') as Ckjs;
const records = Number(values.records);
const kafka = new KafkaJS.Kafka({
  kafkaJS: { brokers: values.brokers.split(','), clientId: 'bench-confluent', logLevel: 1 },
});
const consumer = kafka.consumer({
  kafkaJS: {
    groupId: `bench-confluent-${process.pid}-${Date.now()}`,
    fromBeginning: true,
    autoCommit: false,
  },
  // The default batch is 32 messages; 1000 matches the kafka source's delivery batches.
  'js.consumer.max.batch.size': 1000,
});
const started = process.hrtime.bigint();
await consumer.connect();
await consumer.subscribe({ topics: [values.topic] });
let count = 0;
let bytes = 0;
const { promise: done, resolve } = Promise.withResolvers<void>();
await consumer.run({
  eachBatch: async ({ batch }) => {
    for (const m of batch.messages) bytes += m.value?.length ?? 0;
    count += batch.messages.length;
    const last = batch.messages.at(-1);
    if (last) {
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last.offset) + 1n) },
      ]);
    }
    if (count >= records) resolve();
  },
});
await done;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const rss = process.memoryUsage().rss;
await consumer.disconnect();
console.log(
  JSON.stringify({
    client: '@confluentinc/kafka-javascript',
    records: count,
    seconds: +seconds.toFixed(2),
    rate: Math.round(count / seconds),
    mibPerSecond: +(bytes / seconds / 1048576).toFixed(1),
    rssMiB: Math.round(rss / 1048576),
  }),
);
