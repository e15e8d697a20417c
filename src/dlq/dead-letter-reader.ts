/**
 * Reads a dead-letter topic from given offsets up to its end as it was when reading began (records that
 * arrive meanwhile, e.g. records a replay dead-letters again, wait for the next time), for
 * `datapipe dlq inspect` and `datapipe dlq replay`. Commits only when told (the replay's progress).
 */
import { Consumer, ListOffsetTimestamps } from '@platformatic/kafka';
import { clientOptions } from '../kafka/connection.ts';
import { classifyKafkaError } from '../kafka/errors.ts';
import { readBatch } from '../sources/kafka/read-batch.ts';
import { type DeadLetterEntry, parseDeadLetter } from './dead-letter-entry.ts';
import type { KafkaDeadLetterTarget } from './dead-letter-target.ts';

type RawConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

/** Per DLQ partition: the offset reading starts at (inclusive) and the end (exclusive). */
export interface DeadLetterRange {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
}

export class DeadLetterReader {
  readonly #target: KafkaDeadLetterTarget;
  readonly #consumer: RawConsumer;

  constructor(
    target: KafkaDeadLetterTarget,
    groupId: string,
    ctx: { readonly pipelineName: string; readonly baseDir: string },
  ) {
    this.#target = target;
    this.#consumer = new Consumer({
      ...clientOptions(target.connection, ctx),
      groupId,
      autocommit: false,
      maxWaitTime: 200,
      // Bounded read-ahead: reading waits while the caller works. A fetch is decoded whole, and a dead
      // letter carries ten provenance headers (two Buffers each): 1 MiB of them is ~20 MiB of heap.
      maxBytes: 1024 * 1024,
      highWaterMark: 1024,
    });
  }

  /** Where each partition starts (`from: committed` = this group's progress, else the oldest record) and ends. */
  async ranges(from: 'earliest' | 'committed'): Promise<DeadLetterRange[]> {
    const topic = this.#target.topic;
    try {
      const ends = (await this.#consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
      const earliest =
        (await this.#consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST })).get(
          topic,
        ) ?? [];
      const committed =
        from === 'committed'
          ? ((
              await this.#consumer.listCommittedOffsets({
                topics: [{ topic, partitions: ends.map((_, i) => i) }],
              })
            ).get(topic) ?? [])
          : [];
      return ends.map((end, partition) => {
        const first = Number(earliest[partition] ?? 0n);
        const done = Number(committed[partition] ?? -1n);
        return { partition, start: Math.max(first, done), end: Number(end) };
      });
    } catch (err) {
      throw classifyKafkaError(err, `reading the offsets of dead-letter topic ${topic}`);
    }
  }

  /**
   * The records of `ranges`, in order per partition, in batches as they arrive: nothing is held beyond the
   * batch the caller is working on, and reading waits while the caller does (the backpressure).
   */
  async *batches(ranges: readonly DeadLetterRange[], signal: AbortSignal): AsyncGenerator<DeadLetterEntry[]> {
    const pending = ranges.filter((r) => r.start < r.end);
    if (pending.length === 0) return;
    const topic = this.#target.topic;
    const ends = new Map(pending.map((r) => [r.partition, r.end]));
    const next = new Map(pending.map((r) => [r.partition, r.start]));
    const stream = await this.#consumer
      .consume({
        topics: [topic],
        mode: 'manual',
        offsets: pending.map((r) => ({ topic, partition: r.partition, offset: BigInt(r.start) })),
        autocommit: false,
      })
      .catch((err: unknown) => {
        throw classifyKafkaError(err, `reading dead-letter topic ${topic}`);
      });
    stream.on('readable', () => {});
    const unfinished = () => [...next].some(([p, offset]) => offset < (ends.get(p) ?? 0));
    try {
      while (unfinished()) {
        const batch = await readBatch<Parameters<typeof parseDeadLetter>[0]>(stream, 1000, signal);
        if (batch === null) break;
        const out: DeadLetterEntry[] = [];
        for (const m of batch) {
          const offset = Number(m.offset);
          const end = ends.get(m.partition);
          if (end === undefined || offset >= end || offset < (next.get(m.partition) ?? 0)) continue;
          next.set(m.partition, offset + 1);
          out.push(parseDeadLetter(m));
        }
        if (out.length > 0) yield out;
      }
    } finally {
      await stream.close();
    }
  }

  /** Records this group's progress: for each partition, the next offset to read. */
  async commit(offsets: ReadonlyMap<number, number>): Promise<void> {
    if (offsets.size === 0) return;
    const topic = this.#target.topic;
    try {
      await this.#consumer.commit({
        offsets: [...offsets].map(([partition, offset]) => ({
          topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: -1,
        })),
      });
    } catch (err) {
      throw classifyKafkaError(err, `committing replay progress on ${topic}`);
    }
  }

  async close(): Promise<void> {
    await this.#consumer.close(true);
  }
}
