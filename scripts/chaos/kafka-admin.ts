/** The chaos run's Kafka side: topics, a paced producer that survives broker restarts, reading the DLQ back. */
import { Admin, Consumer, type Message, ProduceAcks, Producer } from '@platformatic/kafka';
import { readBatch } from '../../src/sources/kafka/read-batch.ts';

export async function createTopics(
  brokers: string[],
  topics: Array<{ name: string; partitions: number }>,
): Promise<void> {
  const admin = new Admin({ clientId: 'chaos-admin', bootstrapBrokers: brokers });
  try {
    for (const t of topics)
      await admin.createTopics({ topics: [t.name], partitions: t.partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

export interface ChaosRecord {
  readonly key: string;
  readonly value: Buffer;
}

/**
 * Produces `records` in chunks spread over `durationMs`, retrying through outages (the idempotent
 * producer keeps a retried send from being written twice). Returns how many were acknowledged.
 */
export async function producePaced(
  brokers: string[],
  topic: string,
  records: readonly ChaosRecord[],
  durationMs: number,
  onProgress: (acked: number) => void,
): Promise<number> {
  const producer = new Producer({
    clientId: 'chaos-producer',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    retries: true,
    retryDelay: 500,
  });
  const chunk = 250;
  const chunks = Math.ceil(records.length / chunk);
  const pause = Math.max(0, durationMs / chunks);
  let acked = 0;
  try {
    for (let i = 0; i < records.length; i += chunk) {
      const started = Date.now();
      const messages = records
        .slice(i, i + chunk)
        .map((r) => ({ topic, key: Buffer.from(r.key), value: r.value }));
      await producer.send({ messages });
      acked += messages.length;
      onProgress(acked);
      const wait = pause - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    await producer.close();
  }
  return acked;
}

export type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Every message of `topic` up to its current end. */
export async function readAll(brokers: string[], topic: string): Promise<RawMessage[]> {
  const consumer = new Consumer({
    clientId: 'chaos-reader',
    groupId: `chaos-reader-${process.pid}-${Date.now()}`,
    bootstrapBrokers: brokers,
    autocommit: false,
    maxWaitTime: 200,
  });
  try {
    const ends = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const total = ends.reduce((s, e) => s + Number(e), 0);
    if (total === 0) return [];
    const next = ends.map(() => 0);
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    stream.on('readable', () => {});
    const out: RawMessage[] = [];
    const signal = AbortSignal.timeout(120_000);
    while (next.some((n, p) => n < Number(ends[p]))) {
      const batch = await readBatch<RawMessage>(stream, 1000, signal);
      if (batch === null) throw new Error(`could not read ${topic} to its end`);
      for (const m of batch) {
        if (Number(m.offset) < Number(ends[m.partition])) out.push(m);
        next[m.partition] = Math.max(next[m.partition] ?? 0, Number(m.offset) + 1);
      }
    }
    await stream.close();
    return out;
  } finally {
    await consumer.close(true);
  }
}
