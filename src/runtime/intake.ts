/**
 * The engine's side of `SourceContext.deliver`: takes each delivery into the byte budget, then decodes,
 * transforms and routes its records, one delivery after the other (so each partition stays in offset
 * order). A delivery that finds the budget full waits (its promise stays pending, so the source stops
 * reading) until commits release room. Without JSONata steps, all of this runs synchronously inside
 * `deliver`: no promise or timer per record.
 */

import type { DeliverOptions } from '../core/plugin.ts';
import type { PipelineRecord, SourceMessage } from '../core/record.ts';
import type { TransformChain, TransformEvents } from '../transforms/chain.ts';
import type { ByteBudget } from './byte-budget.ts';
import type { DeadLetterStage } from './dead-letter.ts';
import { type Decoder, messageBytes } from './decode.ts';
import type { OffsetTracker, Ticket } from './offset-tracker.ts';
import type { RouteEvents, Router } from './router.ts';

export interface IntakeCounters {
  recordsIn: number;
  filtered: number;
  unrouted: number;
}

export interface IntakeOptions {
  readonly budget: ByteBudget;
  readonly tracker: OffsetTracker;
  readonly decode: Decoder;
  readonly chain: TransformChain;
  readonly router: Router<Ticket>;
  /** Sends the record behind `ticket` to the dead-letter destination; the callee holds the ticket. */
  readonly deadLetter: (ticket: Ticket, stage: DeadLetterStage, error: unknown, attempts: number) => void;
  readonly counters: IntakeCounters;
  /** A delivery had to wait: flush the batches, so that writes (and commits) free the budget sooner. */
  readonly onBlocked: () => void;
  /** The source said it has nothing more buffered, and every delivery taken so far is routed. */
  readonly onCaughtUp: () => void;
  /** Paused partitions changed (partitions of deliveries waiting for room). */
  readonly onPaused: (partitions: number) => void;
  /** Processing failed fatally (a source broke the offset order, a transform threw a FatalError). */
  readonly onFatal: (err: unknown) => void;
}

const TAKEN: Promise<void> = Promise.resolve();

export class Intake {
  readonly #options: IntakeOptions;
  readonly #copyHeaders: boolean;
  readonly #transformEvents: TransformEvents<Ticket>;
  readonly #routeEvents: RouteEvents<Ticket>;
  readonly #queue: SourceMessage[][] = [];
  #busy = false;
  #closed = false;
  #paused = 0;
  /** The latest delivery came with `caughtUp`. */
  #caughtUp = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: IntakeOptions) {
    this.#options = options;
    this.#copyHeaders = options.chain.mayMutateHeaders;
    const counters = options.counters;
    this.#transformEvents = {
      filtered: () => {
        counters.filtered++;
      },
      failed: (ticket, error) => options.deadLetter(ticket, 'transform', error, 1),
    };
    this.#routeEvents = {
      unrouted: () => {
        counters.unrouted++;
      },
      failed: (_target, _record, ticket, error) => options.deadLetter(ticket, 'transform', error, 1),
    };
  }

  deliver(messages: readonly SourceMessage[], options?: DeliverOptions): Promise<void> {
    if (this.#closed || messages.length === 0) return TAKEN;
    this.#caughtUp = options?.caughtUp === true;
    let bytes = 0;
    for (const m of messages) bytes += messageBytes(m);
    const budget = this.#options.budget;
    if (budget.hasRoom()) {
      this.#take(messages, bytes);
      return TAKEN;
    }
    const paused = countPartitions(messages);
    this.#setPaused(this.#paused + paused);
    const taken = new Promise<void>((resolve) => {
      budget.whenRoom(() => {
        this.#setPaused(this.#paused - paused);
        // Refused after close: not taken, not committed, so read again by the next run.
        if (!this.#closed) this.#take(messages, bytes);
        resolve();
      });
    });
    this.#options.onBlocked();
    return taken;
  }

  /** Resolves once every taken delivery has been routed to the sinks. */
  idle(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Refuses further deliveries and lets waiting ones return (untaken). */
  close(): void {
    this.#closed = true;
    this.#options.budget.releaseWaiters();
  }

  #setPaused(n: number): void {
    this.#paused = n;
    this.#options.onPaused(n);
  }

  #take(messages: readonly SourceMessage[], bytes: number): void {
    this.#options.budget.reserve(bytes);
    this.#options.counters.recordsIn += messages.length;
    this.#queue.push(messages as SourceMessage[]);
    this.#pump();
  }

  #pump(): void {
    if (this.#busy) return;
    let messages = this.#queue.shift();
    while (messages !== undefined) {
      let pending: Promise<void> | undefined;
      try {
        pending = this.#process(messages);
      } catch (err) {
        this.#options.onFatal(err);
        return;
      }
      if (pending !== undefined) {
        this.#busy = true;
        pending.then(
          () => {
            this.#busy = false;
            this.#pump();
          },
          (err: unknown) => this.#options.onFatal(err),
        );
        return;
      }
      messages = this.#queue.shift();
    }
    if (this.#caughtUp) {
      this.#caughtUp = false;
      this.#options.onCaughtUp();
    }
    if (this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Decode → transforms → route; returns a promise only when a step had to wait. */
  #process(messages: readonly SourceMessage[]): Promise<void> | undefined {
    const o = this.#options;
    const taken: Ticket[] = new Array(messages.length);
    const records: PipelineRecord[] = [];
    const tickets: Ticket[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as SourceMessage;
      const bytes = messageBytes(message);
      const ticket = o.tracker.take(message, bytes);
      taken[i] = ticket;
      let record: PipelineRecord;
      try {
        record = o.decode(message, bytes, this.#copyHeaders);
      } catch (err) {
        o.deadLetter(ticket, 'decode', err, 1);
        continue;
      }
      records.push(record);
      tickets.push(ticket);
    }
    const transformed = o.chain.run({ records, tags: tickets }, this.#transformEvents);
    if (transformed instanceof Promise) {
      return transformed.then((out) => {
        const routed = o.router.route(out.records, out.tags, this.#routeEvents);
        return routed instanceof Promise ? routed.then(() => this.#release(taken)) : this.#release(taken);
      });
    }
    const routed = o.router.route(transformed.records, transformed.tags, this.#routeEvents);
    if (routed instanceof Promise) return routed.then(() => this.#release(taken));
    this.#release(taken);
    return undefined;
  }

  /** The intake's own hold on each ticket ends once the record is routed (or dropped). */
  #release(taken: readonly Ticket[]): void {
    const tracker = this.#options.tracker;
    for (const ticket of taken) tracker.release(ticket);
  }
}

/**
 * The distinct partitions of a delivery. Asked of nearly every delivery while the budget is full (a
 * source reading faster than the sinks write), so it builds no key string per message: a delivery holds
 * runs of a few partitions, each compared with the run before and then with the few seen.
 */
export function countPartitions(messages: readonly SourceMessage[]): number {
  const seen: SourceMessage[] = [];
  let last: SourceMessage | undefined;
  for (const m of messages) {
    if (last !== undefined && m.partition === last.partition && m.topic === last.topic) continue;
    last = m;
    if (!seen.some((s) => s.partition === m.partition && s.topic === m.topic)) seen.push(m);
  }
  return seen.length;
}
