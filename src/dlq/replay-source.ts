/**
 * The source of `datapipe dlq replay`: the records of the pipeline's dead-letter topic, handed to the
 * engine AS THE ORIGINAL RECORDS (original topic/partition/offset, key, value bytes, headers, timestamp),
 * so they go through decode, transforms and sinks exactly like fresh records and idempotent sinks write
 * them under the identity they would have had (docs/decisions/0006-dlq-replay.md).
 *
 * Streaming in windows (docs/decisions/0052-dead-letter-doubles.md): it reads up to half the pipeline's
 * byte budget (and at most 10,000 records) of dead letters, drops the copies of source records it has already replayed (a record
 * dead-lettered again after a crash, or by two sinks: one re-drive per source record), sorts the window
 * per original partition (the engine's order contract; the DLQ holds records in failure order), hands it
 * over, waits until the engine has written and committed it, and then records the window's end as the
 * progress of the group `<group>.dlq-replay`. Memory holds one window plus the set of replayed
 * positions (ranges per partition), not the dead-letter topic.
 */
import type { Logger } from 'pino';
import type { PluginContext, Source, SourceContext, SourceMessage, SourcePosition } from '../core/plugin.ts';
import { partitionKey } from '../core/record.ts';
import { messageBytes } from '../runtime/decode.ts';
import { type DeadLetterRange, DeadLetterReader } from './dead-letter-reader.ts';
import type { KafkaDeadLetterTarget } from './dead-letter-target.ts';
import { ProvenanceSet } from './provenance-set.ts';

const CHUNK = 500;
/** Records per window at most: small records cost far more heap than their bytes (objects, tickets). */
const WINDOW_RECORDS = 10_000;

export function replayGroupId(target: KafkaDeadLetterTarget): string {
  return `${target.groupId}.dlq-replay`;
}

export interface ReplayProgress {
  /** Dead-letter records read so far, and in all (as of the start). */
  readonly read: number;
  readonly total: number;
  /** Source records handed to the pipeline (copies collapsed). */
  readonly replayed: number;
}

export interface ReplayOptions {
  /** Read at most this many dead-letter records. */
  readonly limit: number;
  /** Bytes of dead letters held at once (half the pipeline's byte budget). */
  readonly windowBytes: number;
  readonly onProgress?: (p: ReplayProgress) => void;
}

export class DeadLetterReplaySource implements Source {
  readonly #reader: DeadLetterReader;
  readonly #options: ReplayOptions;
  readonly #log: Logger;
  readonly #stopping = new AbortController();
  readonly #seen = new ProvenanceSet();

  constructor(target: KafkaDeadLetterTarget, ctx: PluginContext, options: ReplayOptions) {
    this.#reader = new DeadLetterReader(target, replayGroupId(target), ctx);
    this.#options = options;
    this.#log = ctx.logger;
  }

  async run(ctx: SourceContext): Promise<void> {
    const ranges: DeadLetterRange[] = await this.#reader.ranges('committed');
    const total = Math.min(
      this.#options.limit,
      ranges.reduce((sum, r) => sum + Math.max(0, r.end - r.start), 0),
    );
    const signal = AbortSignal.any([ctx.signal, this.#stopping.signal]);
    let read = 0;
    let window: SourceMessage[] = [];
    let windowBytes = 0;
    /** Per DLQ partition: the next offset once the window is done. */
    let progress = new Map<number, number>();
    const flush = async () => {
      await this.#replay(window, ctx, signal);
      if (signal.aborted) return;
      await this.#reader.commit(progress);
      window = [];
      windowBytes = 0;
      progress = new Map();
      this.#options.onProgress?.({ read, total, replayed: this.#seen.size });
    };
    this.#log.info({ dlqRecords: total }, 'replaying dead-lettered records');
    for await (const batch of this.#reader.batches(ranges, signal)) {
      for (const e of batch) {
        if (read >= total) break;
        read++;
        progress.set(e.dlq.partition, e.dlq.offset + 1);
        const o = e.original;
        if (o === undefined) {
          this.#log.warn({ dlq: e.dlq }, 'dead-letter record without provenance headers: skipped');
          continue;
        }
        // One re-drive per source record: later copies (a crash replay, a second sink) are done already.
        if (!this.#seen.add(o.topic, o.partition, o.offset)) continue;
        window.push(o);
        windowBytes += messageBytes(o);
      }
      if (windowBytes >= this.#options.windowBytes || window.length >= WINDOW_RECORDS) await flush();
      if (read >= total || signal.aborted) break;
    }
    if (!signal.aborted && progress.size > 0) await flush();
  }

  /** Hands one window to the engine, each original partition in offset order, and waits until it is committed. */
  async #replay(window: SourceMessage[], ctx: SourceContext, signal: AbortSignal): Promise<void> {
    const byPartition = new Map<string, SourceMessage[]>();
    for (const m of window) {
      const key = partitionKey(m);
      const list = byPartition.get(key);
      if (list === undefined) byPartition.set(key, [m]);
      else list.push(m);
    }
    const partitions: Array<{ topic: string; partition: number }> = [];
    for (const messages of byPartition.values()) {
      messages.sort((a, b) => a.offset - b.offset);
      const first = messages[0] as SourceMessage;
      partitions.push({ topic: first.topic, partition: first.partition });
      for (let i = 0; i < messages.length && !signal.aborted; i += CHUNK) {
        await ctx.deliver(messages.slice(i, i + CHUNK));
      }
    }
    // Written or dead-lettered again, and committed; the partitions are then forgotten, so the next
    // window may hold lower offsets of the same partition.
    if (!signal.aborted) await ctx.drainPartitions(partitions);
  }

  /** Progress is recorded per window, on the dead-letter topic, once the window is drained (see `run`). */
  async commit(_positions: readonly SourcePosition[]): Promise<void> {}

  async stop(): Promise<void> {
    this.#stopping.abort();
  }

  async close(): Promise<void> {
    await this.#reader.close();
  }
}
