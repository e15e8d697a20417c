/**
 * Topics for a bench run: create, fill with JSON records of a given size (each carrying its produce
 * time), produce at a fixed rate, read a group's committed offsets, delete.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';

export interface KafkaTarget {
  readonly brokers: string[];
}

function admin(target: KafkaTarget): Admin {
  return new Admin({ clientId: 'datapipe-bench-admin', bootstrapBrokers: target.brokers });
}

export async function createTopic(target: KafkaTarget, topic: string, partitions: number): Promise<void> {
  const a = admin(target);
  try {
    await a.createTopics({ topics: [topic], partitions, replicas: 1 });
    // Metadata propagates asynchronously, even on one broker.
    for (let i = 0; i < 50; i++) {
      const md = await a.metadata({ topics: [topic] });
      if (md.topics.get(topic)?.partitionsCount === partitions) return;
      await sleep(100);
    }
  } finally {
    await a.close();
  }
}

export async function deleteTopics(target: KafkaTarget, topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const a = admin(target);
  try {
    await a.deleteTopics({ topics });
  } catch {
    // best effort: a leftover bench topic only costs disk
  } finally {
    await a.close();
  }
}

/** Sum of the committed offsets of `group` on `topic` (the records it has durably processed). */
export async function committedCount(a: Admin, group: string, topic: string): Promise<number> {
  const groups = await a.listConsumerGroupOffsets({ groups: [group] });
  let total = 0;
  for (const t of groups[0]?.topics ?? []) {
    if (t.name !== topic) continue;
    for (const p of t.partitions) if (p.committedOffset > 0n) total += Number(p.committedOffset);
  }
  return total;
}

export function newAdmin(target: KafkaTarget): Admin {
  return admin(target);
}

/**
 * A JSON record of exactly `size` bytes (UTF-8): `{"id":..,"ts":..,"user":..,"pad":"..."}`. `ts` is
 * the produce time in ms, which the latency measurement subtracts from the write time.
 */
export function makeRecord(id: number, ts: number, size: number): string {
  const head = `{"id":${id},"ts":${ts},"user":"u${id % 1000}","kind":"bench","pad":"`;
  const padLength = Math.max(0, size - head.length - 2);
  return `${head}${'x'.repeat(padLength)}"}`;
}

function producer(target: KafkaTarget): Producer<string, string, string, string> {
  return new Producer({
    clientId: 'datapipe-bench-producer',
    bootstrapBrokers: target.brokers,
    serializers: stringSerializers,
    acks: 1,
    maxInflights: 8,
  } as ConstructorParameters<typeof Producer<string, string, string, string>>[0]);
}

/** Fills `topic` with `count` records of `size` bytes, round-robin over its partitions, as fast as it can. */
export async function preload(
  target: KafkaTarget,
  topic: string,
  partitions: number,
  count: number,
  size: number,
): Promise<{ seconds: number }> {
  const p = producer(target);
  const start = performance.now();
  const batch = Math.max(1, Math.min(1000, Math.floor((512 * 1024) / size)));
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (let sent = 0; sent < count; sent += batch) {
      const now = Date.now();
      const messages = [];
      for (let i = sent; i < Math.min(count, sent + batch); i++) {
        messages.push({ topic, partition: i % partitions, key: `k${i}`, value: makeRecord(i, now, size) });
      }
      const send = p.send({ messages });
      inFlight.add(send);
      // handled here: a failed send must not become an unhandled rejection before Promise.all sees it
      send.then(
        () => inFlight.delete(send),
        () => inFlight.delete(send),
      );
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await p.close();
  }
  return { seconds: (performance.now() - start) / 1000 };
}

/**
 * Produces `count` records at `rate` records/s (in ticks of 10 ms) into a topic; returns the produce
 * time (ms since the epoch) of each record by id, which is also its offset on a one-partition topic.
 */
export async function produceAtRate(
  target: KafkaTarget,
  topic: string,
  count: number,
  size: number,
  rate: number,
): Promise<Float64Array> {
  const p = producer(target);
  const produced = new Float64Array(count);
  const start = performance.now();
  const pending: Promise<unknown>[] = [];
  try {
    let next = 0;
    while (next < count) {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      if (due > next) {
        const now = Date.now();
        const messages = [];
        for (let i = next; i < due; i++) {
          produced[i] = now;
          messages.push({ topic, partition: 0, key: `k${i}`, value: makeRecord(i, now, size) });
        }
        next = due;
        const send = p.send({ messages });
        send.catch(() => {});
        pending.push(send);
      }
      await sleep(10);
    }
    await Promise.all(pending);
  } finally {
    await p.close();
  }
  return produced;
}

/** Waits until the broker answers a metadata request (it may be restarting). */
export async function waitForKafka(target: KafkaTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = admin(target);
    try {
      await a.listTopics();
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`Kafka at ${target.brokers.join(',')} does not answer: ${err}`);
      await sleep(2000);
    } finally {
      await a.close().catch(() => {});
    }
  }
}

/** True when `group` is stable with exactly `members` members (every process has its partitions). */
export async function groupStable(a: Admin, group: string, members: number): Promise<boolean> {
  const groups = await a.describeGroups({ groups: [group] });
  const g = groups.get(group);
  return !!g && String(g.state).toUpperCase() === 'STABLE' && g.members.size === members;
}
