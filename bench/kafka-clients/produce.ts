/**
 * Fills the benchmark topic once: N records of SIZE bytes over P partitions, with the idempotent producer.
 * Usage: node bench/kafka-clients/produce.ts [--records 1000000] [--size 1024] [--partitions 6] [--topic bench-1k]
 */
import { parseArgs } from 'node:util';
import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '1024' },
    partitions: { type: 'string', default: '6' },
    topic: { type: 'string', default: 'bench-1k' },
    brokers: { type: 'string', default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092' },
  },
});
const records = Number(values.records);
const size = Number(values.size);
const partitions = Number(values.partitions);
const topic = values.topic;
const bootstrapBrokers = values.brokers.split(',');

const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers });
const existing = await admin.listTopics();
if (existing.includes(topic)) await admin.deleteTopics({ topics: [topic] });
await new Promise((r) => setTimeout(r, 1000));
await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
await admin.close();

const producer = new Producer({
  clientId: 'bench-producer',
  bootstrapBrokers,
  idempotent: true,
  acks: ProduceAcks.ALL,
  compression: 'none',
});
const value = Buffer.alloc(size, 'x');
const batch = 2000;
const started = process.hrtime.bigint();
const inflight = new Set<Promise<unknown>>();
for (let i = 0; i < records; i += batch) {
  const messages = [];
  for (let j = i; j < Math.min(records, i + batch); j++) {
    messages.push({ topic, partition: j % partitions, key: Buffer.from(String(j)), value });
  }
  const p = producer.send({ messages }).finally(() => inflight.delete(p));
  inflight.add(p);
  if (inflight.size >= 4) await Promise.race(inflight);
}
await Promise.all(inflight);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await producer.close();
console.log(
  JSON.stringify({
    topic,
    records,
    size,
    partitions,
    seconds: +seconds.toFixed(2),
    rate: Math.round(records / seconds),
  }),
);
