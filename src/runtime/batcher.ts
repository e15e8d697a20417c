/**
 * Groups one sink's records into batches and hands them to a writer. A batch is sealed when it reaches
 * `maxRecords` or `maxBytes`, when `linger` has passed since its first record, or when the engine asks for
 * a flush. Batches fill while others are being written. A batch whose linger passes, or that the engine
 * asks to flush because the source caught up or the byte budget is full, while it could not be written
 * yet (the sink is busy with the batch before it) goes on filling and is sealed the moment it can be
 * written: sealing it earlier would not write it sooner, only smaller (decision 0103).
 *
 * By default (`concurrency` 1) a batch holds any partitions and the writer is never called concurrently
 * (the Sink contract). With `concurrency` N > 1 (a sink whose plugin declares `concurrentPartitionBatches`,
 * decision 0096) each batch holds one partition's records, and up to N batches are written at once, never
 * two of the same partition. Either way each partition's batches are written one after the other, in the
 * order they were sealed, so each partition's records reach the sink in offset order.
 */

import type { PipelineRecord } from '../core/record.ts';
import type { Ticket } from './offset-tracker.ts';

export interface Batch {
  readonly records: PipelineRecord[];
  /** `tickets[i]` is the offset-tracker ticket of `records[i]`. */
  readonly tickets: Ticket[];
  bytes: number;
}

export interface BatchLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
  /** Milliseconds. */
  readonly linger: number;
  /** `flushWhenFree('caught-up')` seals the filling batch (false: it does nothing, limits and linger decide). */
  readonly flushWhenCaughtUp?: boolean;
  /** Batches written at once, each of one partition (1, the default: one batch at a time, any partitions). */
  readonly concurrency?: number;
}

export type BatchWriter = (batch: Batch) => Promise<void>;

interface KeyedBatch extends Batch {
  /** The partition the batch holds (`topic`, NUL, partition), or '' when batches hold any partitions. */
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  /** Seal it as soon as it can be written (its linger passed, the source caught up, the budget is full). */
  sealWhenFree: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class Batcher {
  readonly #limits: BatchLimits;
  readonly #write: BatchWriter;
  readonly #onError: (err: unknown) => void;
  readonly #concurrency: number;
  /** The batches filling, by key; insertion order is the order of their first record. */
  readonly #filling = new Map<string, KeyedBatch>();
  /** The batch the previous record went to: a partition's records come in runs. */
  #current: KeyedBatch | undefined;
  readonly #sealed: KeyedBatch[] = [];
  /** Keys of the batches being written. */
  readonly #writing = new Set<string>();
  #stopped = false;
  #immediate: NodeJS.Immediate | undefined;
  #eager = 0;
  #queuedRecords = 0;
  #queuedBytes = 0;
  #idleWaiters: Array<() => void> = [];

  /** `onError` receives what the writer threw; the batcher then stops writing. */
  constructor(limits: BatchLimits, write: BatchWriter, onError: (err: unknown) => void) {
    this.#limits = limits;
    this.#write = write;
    this.#onError = onError;
    this.#concurrency = Math.max(1, limits.concurrency ?? 1);
  }

  /** Records accepted and not yet written (filling, sealed or being written). */
  get queuedRecords(): number {
    return this.#queuedRecords;
  }

  /** Bytes of the records accepted and not yet written. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  add(record: PipelineRecord, ticket: Ticket): void {
    const batch = this.#fillingFor(record);
    batch.records.push(record);
    batch.tickets.push(ticket);
    batch.bytes += record.sizeBytes;
    this.#queuedRecords++;
    this.#queuedBytes += record.sizeBytes;
    if (batch.records.length >= this.#limits.maxRecords || batch.bytes >= this.#limits.maxBytes) {
      this.#seal(batch);
      this.#next();
    } else if (batch.records.length === 1) {
      this.#scheduleSeal(batch);
    }
  }

  /** Seals every filling batch now, so that each is written as soon as it may be. */
  flush(): void {
    if (this.#filling.size === 0) return;
    for (const batch of this.#filling.values()) this.#seal(batch);
    this.#next();
  }

  /**
   * Seals each filling batch now if it can be written at once, else as soon as a write ends that lets it.
   * `caught-up`: the source has nothing more buffered, so there is nothing to wait for (does nothing with
   * `flushWhenCaughtUp: false`). `budget-full`: the source is paused until written records free room.
   * Either way, records added while their partition's batch (or, at `concurrency` 1, any batch) is in
   * flight gather into the next one, so a busy sink still gets full batches.
   */
  flushWhenFree(reason: 'caught-up' | 'budget-full' = 'caught-up'): void {
    if (this.#filling.size === 0) return;
    if (reason === 'caught-up' && this.#limits.flushWhenCaughtUp === false) return;
    for (const batch of this.#filling.values()) this.#sealWhenFree(batch);
    this.#next();
  }

  /**
   * While eager (a drain or shutdown is waiting), a batch is sealed right after the records added in
   * the same turn of the event loop instead of after `linger`. Calls nest.
   */
  setEager(eager: boolean): void {
    this.#eager += eager ? 1 : -1;
    if (eager) this.flush();
  }

  /** Resolves once nothing is filling, sealed or being written. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops writing further batches (writes in progress still complete); clears timers. */
  stop(): void {
    this.#stopped = true;
    for (const batch of this.#filling.values()) clearBatchTimer(batch);
    if (this.#immediate !== undefined) {
      clearImmediate(this.#immediate);
      this.#immediate = undefined;
    }
  }

  #fillingFor(record: PipelineRecord): KeyedBatch {
    const current = this.#current;
    if (this.#concurrency === 1) return current ?? this.#open('', '', -1);
    const { topic, partition } = record.position;
    if (current !== undefined && current.partition === partition && current.topic === topic) return current;
    const key = `${topic}\u0000${partition}`;
    const batch = this.#filling.get(key) ?? this.#open(key, topic, partition);
    this.#current = batch;
    return batch;
  }

  #open(key: string, topic: string, partition: number): KeyedBatch {
    const batch: KeyedBatch = {
      key,
      topic,
      partition,
      records: [],
      tickets: [],
      bytes: 0,
      sealWhenFree: false,
      timer: undefined,
    };
    this.#filling.set(key, batch);
    this.#current = batch;
    return batch;
  }

  #scheduleSeal(batch: KeyedBatch): void {
    if (this.#eager > 0) {
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        this.flush();
      });
    } else {
      batch.timer = setTimeout(() => {
        batch.timer = undefined;
        if (this.#filling.get(batch.key) !== batch) return;
        this.#sealWhenFree(batch);
        this.#next();
      }, this.#limits.linger);
    }
  }

  /** Seals a filling batch now if it can be written at once, else marks it to be sealed when it can. */
  #sealWhenFree(batch: KeyedBatch): void {
    if (this.#canWriteNow(batch.key)) this.#seal(batch);
    else batch.sealWhenFree = true;
  }

  /** Moves a filling batch to the sealed queue; `#next` writes it when it may. */
  #seal(batch: KeyedBatch): void {
    clearBatchTimer(batch);
    this.#filling.delete(batch.key);
    if (this.#current === batch) this.#current = undefined;
    this.#sealed.push(batch);
  }

  /** A batch of this key could start now: a writer slot is free and no earlier batch of its key is waiting. */
  #canWriteNow(key: string): boolean {
    if (this.#writing.size + this.#sealed.length >= this.#concurrency || this.#writing.has(key)) return false;
    return !this.#sealed.some((b) => b.key === key);
  }

  #next(): void {
    if (this.#stopped) return;
    for (let i = 0; i < this.#sealed.length && this.#writing.size < this.#concurrency; ) {
      const batch = this.#sealed[i] as KeyedBatch;
      if (this.#writing.has(batch.key)) {
        i++; // an earlier batch of its partition is being written
        continue;
      }
      this.#sealed.splice(i, 1);
      this.#start(batch);
    }
    let sealed = false;
    for (const batch of this.#filling.values()) {
      if (batch.sealWhenFree && this.#canWriteNow(batch.key)) {
        this.#seal(batch);
        sealed = true;
      }
    }
    if (sealed) this.#next();
    else this.#notifyIdle();
  }

  #start(batch: KeyedBatch): void {
    this.#writing.add(batch.key);
    this.#write(batch).then(
      () => {
        this.#writing.delete(batch.key);
        this.#queuedRecords -= batch.records.length;
        this.#queuedBytes -= batch.bytes;
        this.#next();
      },
      (err: unknown) => {
        this.#writing.delete(batch.key);
        this.stop();
        this.#onError(err);
      },
    );
  }

  #isIdle(): boolean {
    return this.#writing.size === 0 && this.#sealed.length === 0 && this.#filling.size === 0;
  }

  #notifyIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

function clearBatchTimer(batch: KeyedBatch): void {
  if (batch.timer !== undefined) {
    clearTimeout(batch.timer);
    batch.timer = undefined;
  }
}
