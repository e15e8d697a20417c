/**
 * The source of `datapipe dlq replay`: the records of the pipeline's dead-letter topic, handed to the
 * engine AS THE ORIGINAL RECORDS (original topic/partition/offset, key, value bytes, headers, timestamp),
 * so they go through decode, transforms and sinks exactly like fresh records and idempotent sinks write
 * them under the identity they would have had (docs/decisions/0006-dlq-replay.md).
 *
 * Progress: the engine commits original positions; they are translated back to the dead-letter topic's
 * offsets, and the contiguous replayed prefix of each DLQ partition is committed for the group
 * `<group>.dlq-replay`, so a second replay goes on after the first.
 */
import type { Logger } from 'pino';
import type { PluginContext, Source, SourceContext, SourceMessage, SourcePosition } from '../core/plugin.ts';
import { partitionKey } from '../core/record.ts';
import { type DeadLetterRange, DeadLetterReader } from './dead-letter-reader.ts';
import type { KafkaDeadLetterTarget } from './dead-letter-target.ts';

const CHUNK = 500;

export function replayGroupId(target: KafkaDeadLetterTarget): string {
  return `${target.groupId}.dlq-replay`;
}

export class DeadLetterReplaySource implements Source {
  readonly #reader: DeadLetterReader;
  readonly #limit: number;
  readonly #log: Logger;
  readonly #stopping = new AbortController();
  #ranges: DeadLetterRange[] = [];
  /** DLQ offsets read, per DLQ partition, with whether each is replayed (written, or dead-lettered again). */
  readonly #dlqDone = new Map<number, Map<number, boolean>>();
  /** Original position → the DLQ records (partition, offset) that carry it. */
  readonly #byOriginal = new Map<string, Array<{ partition: number; offset: number }>>();
  /** Per original partition: the original offsets delivered, ascending. */
  readonly #delivered = new Map<string, number[]>();

  constructor(target: KafkaDeadLetterTarget, ctx: PluginContext, limit: number) {
    this.#reader = new DeadLetterReader(target, replayGroupId(target), ctx);
    this.#limit = limit;
    this.#log = ctx.logger;
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#ranges = await this.#reader.ranges('committed');
    const signal = AbortSignal.any([ctx.signal, this.#stopping.signal]);
    const entries = await this.#reader.read(this.#ranges, this.#limit, signal);
    const originals = new Map<string, SourceMessage>();
    for (const e of entries) {
      const done = this.#dlqDone.get(e.dlq.partition) ?? new Map<number, boolean>();
      this.#dlqDone.set(e.dlq.partition, done);
      if (e.original === undefined) {
        this.#log.warn({ dlq: e.dlq }, 'dead-letter record without provenance headers: skipped');
        done.set(e.dlq.offset, true);
        continue;
      }
      done.set(e.dlq.offset, false);
      const key = `${partitionKey(e.original)}/${e.original.offset}`;
      // A record dead-lettered twice (e.g. by two sinks) is replayed once, with its latest copy.
      originals.set(key, e.original);
      this.#byOriginal.set(key, [...(this.#byOriginal.get(key) ?? []), e.dlq]);
    }
    // The engine wants each partition's records in offset order; the DLQ holds them in failure order.
    const byPartition = new Map<string, SourceMessage[]>();
    for (const m of originals.values()) {
      const list = byPartition.get(partitionKey(m)) ?? [];
      list.push(m);
      byPartition.set(partitionKey(m), list);
    }
    this.#log.info(
      { records: originals.size, dlqRecords: entries.length },
      'replaying dead-lettered records',
    );
    for (const [partition, messages] of byPartition) {
      messages.sort((a, b) => a.offset - b.offset);
      this.#delivered.set(
        partition,
        messages.map((m) => m.offset),
      );
      for (let i = 0; i < messages.length && !signal.aborted; i += CHUNK) {
        await ctx.deliver(messages.slice(i, i + CHUNK));
      }
    }
  }

  async commit(positions: readonly SourcePosition[]): Promise<void> {
    for (const p of positions) {
      const partition = partitionKey(p);
      for (const offset of this.#delivered.get(partition) ?? []) {
        if (offset >= p.offset) break;
        for (const d of this.#byOriginal.get(`${partition}/${offset}`) ?? [])
          this.#dlqDone.get(d.partition)?.set(d.offset, true);
      }
    }
    const progress = new Map<number, number>();
    for (const range of this.#ranges) {
      const done = this.#dlqDone.get(range.partition);
      if (!done) continue;
      // The contiguous replayed prefix of what was read (offsets may have gaps: go by what was read).
      let next = range.start;
      for (const offset of [...done.keys()].sort((a, b) => a - b)) {
        if (done.get(offset) !== true) break;
        next = offset + 1;
      }
      if (next > range.start) progress.set(range.partition, next);
    }
    await this.#reader.commit(progress);
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
  }

  async close(): Promise<void> {
    await this.#reader.close();
  }
}
