/**
 * Groups one sink's records into batches and hands them, one at a time, to a writer. A batch is sealed
 * when it reaches `maxRecords` or `maxBytes`, when `linger` has passed since its first record, or when
 * the engine asks for a flush. The next batch fills while one is being written; the writer is never
 * called concurrently (the Sink contract), so each partition's records reach the sink in offset order.
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
  /** `flushWhenFree` seals the filling batch (false: it does nothing, limits and linger decide). */
  readonly flushWhenCaughtUp?: boolean;
}

export type BatchWriter = (batch: Batch) => Promise<void>;

export class Batcher {
  readonly #limits: BatchLimits;
  readonly #write: BatchWriter;
  readonly #onError: (err: unknown) => void;
  #filling: Batch = emptyBatch();
  readonly #sealed: Batch[] = [];
  #writing = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #eager = 0;
  /** Seal the filling batch as soon as the writer is free (the source caught up). */
  #sealWhenFree = false;
  #queuedRecords = 0;
  #queuedBytes = 0;
  #idleWaiters: Array<() => void> = [];

  /** `onError` receives what the writer threw; the batcher then stops writing. */
  constructor(limits: BatchLimits, write: BatchWriter, onError: (err: unknown) => void) {
    this.#limits = limits;
    this.#write = write;
    this.#onError = onError;
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
    const batch = this.#filling;
    batch.records.push(record);
    batch.tickets.push(ticket);
    batch.bytes += record.sizeBytes;
    this.#queuedRecords++;
    this.#queuedBytes += record.sizeBytes;
    if (batch.records.length >= this.#limits.maxRecords || batch.bytes >= this.#limits.maxBytes) {
      this.#seal();
    } else if (batch.records.length === 1) {
      this.#scheduleSeal();
    }
  }

  /** Seals the filling batch now, so that it is written as soon as the writer is free. */
  flush(): void {
    if (this.#filling.records.length > 0) this.#seal();
  }

  /**
   * Seals the filling batch now if the writer is free, else as soon as the current write ends: when the
   * source has caught up there is nothing to wait for, and records written while a batch is in flight
   * gather into the next one (so a busy sink still gets full batches).
   */
  flushWhenFree(): void {
    if (this.#filling.records.length === 0 || this.#limits.flushWhenCaughtUp === false) return;
    if (this.#writing || this.#sealed.length > 0) this.#sealWhenFree = true;
    else this.#seal();
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

  /** Stops writing further batches (a write in progress still completes); clears timers. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimers();
  }

  #scheduleSeal(): void {
    if (this.#eager > 0) {
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        this.flush();
      });
    } else {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.#limits.linger);
    }
  }

  #seal(): void {
    this.#clearTimers();
    this.#sealWhenFree = false;
    this.#sealed.push(this.#filling);
    this.#filling = emptyBatch();
    this.#next();
  }

  #next(): void {
    if (this.#writing || this.#stopped) return;
    const batch = this.#sealed.shift();
    if (batch === undefined && this.#sealWhenFree && this.#filling.records.length > 0) {
      this.#seal(); // calls #next again, which writes it
      return;
    }
    if (batch === undefined) {
      this.#notifyIdle();
      return;
    }
    this.#writing = true;
    this.#write(batch).then(
      () => {
        this.#writing = false;
        this.#queuedRecords -= batch.records.length;
        this.#queuedBytes -= batch.bytes;
        this.#next();
      },
      (err: unknown) => {
        this.#writing = false;
        this.stop();
        this.#onError(err);
      },
    );
  }

  #isIdle(): boolean {
    return !this.#writing && this.#sealed.length === 0 && this.#filling.records.length === 0;
  }

  #notifyIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #clearTimers(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#immediate !== undefined) {
      clearImmediate(this.#immediate);
      this.#immediate = undefined;
    }
  }
}

function emptyBatch(): Batch {
  return { records: [], tickets: [], bytes: 0 };
}
