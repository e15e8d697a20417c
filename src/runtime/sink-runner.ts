/**
 * One sink as the engine drives it: the routing condition, a Batcher feeding a SinkWriter, and the
 * bookkeeping of who owes what. A required sink holds each record's ticket from `add` until the record
 * is written or dead-lettered, so the offset is not committed before; an optional sink holds nothing.
 */
import type { Logger } from 'pino';
import type { Sink } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';
import type { RecordExpression } from '../transforms/jsonata-expression.ts';
import { Batcher, type BatchLimits } from './batcher.ts';
import type { OffsetTracker, Ticket } from './offset-tracker.ts';
import type { RetryPolicy } from './retry.ts';
import type { RouteTarget } from './router.ts';
import { SinkWriter } from './sink-writer.ts';

export interface SinkRunnerOptions {
  readonly name: string;
  readonly sink: Sink;
  readonly when?: RecordExpression | undefined;
  readonly required: boolean;
  readonly batch: BatchLimits;
  readonly policy: RetryPolicy;
  readonly tracker: OffsetTracker;
  readonly logger: Logger;
  /** Aborted when the run stops waiting: retries end, the batch stays unacknowledged (it will replay). */
  readonly signal: AbortSignal;
  /** Records this sink wrote (for counters and metrics), once per batch. */
  readonly onWritten: (records: readonly PipelineRecord[], count: number) => void;
  /**
   * A record the sink can never write. Returns true when someone else (the dead-letter queue, which
   * holds the ticket) took it over, so this sink's hold ends; false keeps the offset uncommitted.
   */
  readonly onFailed: (record: PipelineRecord, ticket: Ticket, error: unknown, attempts: number) => boolean;
  /** A fatal error (or abort) while writing: the run stops. */
  readonly onFatal: (err: unknown) => void;
  readonly onRetry?: () => void;
  readonly observeWrite?: (seconds: number) => void;
  /**
   * For an optional sink: the most bytes it may have queued. Its records do not hold the commit point,
   * so the byte budget does not bound them; past this, records are skipped for this sink (counted).
   */
  readonly maxQueuedBytes?: number;
}

export class SinkRunner implements RouteTarget<Ticket> {
  readonly name: string;
  readonly sink: Sink;
  readonly when: RecordExpression | undefined;
  readonly required: boolean;
  readonly batcher: Batcher;
  readonly #tracker: OffsetTracker;
  readonly #maxQueuedBytes: number;
  readonly #logger: Logger;
  /** Records an optional sink skipped because it was too far behind. */
  skipped = 0;

  constructor(o: SinkRunnerOptions) {
    this.name = o.name;
    this.sink = o.sink;
    this.when = o.when;
    this.required = o.required;
    this.#tracker = o.tracker;
    this.#maxQueuedBytes = o.maxQueuedBytes ?? Number.POSITIVE_INFINITY;
    this.#logger = o.logger;
    const tracker = o.tracker;
    const required = o.required;
    const writer = new SinkWriter({
      name: o.name,
      sink: o.sink,
      policy: o.policy,
      logger: o.logger,
      signal: o.signal,
      onRetry: o.onRetry,
      onWritten: (tickets, start, end) => {
        if (required) for (let i = start; i < end; i++) tracker.release(tickets[i] as Ticket);
      },
      onFailed: (record, ticket, error, attempts) => {
        if (o.onFailed(record, ticket, error, attempts) && required) tracker.release(ticket);
      },
    });
    this.batcher = new Batcher(
      o.batch,
      async (batch) => {
        const started = performance.now();
        const written = await writer.write(batch);
        o.observeWrite?.((performance.now() - started) / 1000);
        if (written > 0) o.onWritten(batch.records, written);
      },
      o.onFatal,
    );
  }

  add(record: PipelineRecord, ticket: Ticket): void {
    if (this.required) {
      this.#tracker.hold(ticket);
    } else if (this.batcher.queuedBytes >= this.#maxQueuedBytes) {
      if (this.skipped++ % 10_000 === 0) {
        this.#logger.warn({ skipped: this.skipped }, 'optional sink too far behind: skipping records');
      }
      return;
    }
    this.batcher.add(record, ticket);
  }
}
