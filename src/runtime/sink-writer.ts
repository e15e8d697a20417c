/**
 * Writes one batch to one sink and settles every record of it: written, or handed to the dead-letter
 * writer. Retryable errors are retried per the sink's RetryPolicy; a DataError for the whole batch is
 * narrowed down by bisection (write each half, recursively) so that the good neighbours of a bad record
 * still land; a FatalError (or the abort of the run) is thrown to the caller.
 */
import type { Logger } from 'pino';
import { classOf, type DataError, errorMessage } from '../core/errors.ts';
import type { Sink } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';
import type { Batch } from './batcher.ts';
import type { Ticket } from './offset-tracker.ts';
import { RetriesExhaustedError, type RetryPolicy, retrying } from './retry.ts';

export interface SinkWriterOptions {
  readonly name: string;
  readonly sink: Sink;
  readonly policy: RetryPolicy;
  readonly logger: Logger;
  /** Aborted when the run must stop waiting (grace period over, fatal error): retries stop. */
  readonly signal: AbortSignal;
  /** Records durably written, by this sink. */
  readonly onWritten: (tickets: readonly Ticket[], start: number, end: number) => void;
  /** A record that cannot be written: it goes to the dead-letter destination. */
  readonly onFailed: (record: PipelineRecord, ticket: Ticket, error: unknown, attempts: number) => void;
  /** Each retry of a batch, for metrics. */
  readonly onRetry?: () => void;
}

export class SinkWriter {
  readonly #options: SinkWriterOptions;

  constructor(options: SinkWriterOptions) {
    this.#options = options;
  }

  /**
   * Settles every record of the batch; resolves to how many were written (the rest were dead-lettered).
   * Throws a FatalError or the abort reason.
   */
  write(batch: Batch): Promise<number> {
    return this.#writeRange(batch.records, batch.tickets);
  }

  async #writeRange(records: PipelineRecord[], tickets: Ticket[]): Promise<number> {
    const o = this.#options;
    let attempts = 0;
    let result: Awaited<ReturnType<Sink['write']>>;
    try {
      result = await retrying(
        (attempt) => {
          attempts = attempt;
          return o.sink.write(records);
        },
        o.policy,
        {
          signal: o.signal,
          onRetry: (err, attempt, delay) => {
            o.onRetry?.();
            o.logger.warn(
              { err: errorMessage(err), attempt, delayMs: delay, records: records.length },
              'sink write failed, retrying',
            );
          },
        },
      );
    } catch (err) {
      if (err instanceof RetriesExhaustedError) {
        o.logger.error({ err: errorMessage(err), records: records.length }, 'sink write gave up');
        for (let i = 0; i < records.length; i++) {
          o.onFailed(records[i] as PipelineRecord, tickets[i] as Ticket, err, err.attempts);
        }
        return 0;
      }
      if (classOf(err) !== 'data') throw err;
      if (records.length === 1) {
        o.onFailed(records[0] as PipelineRecord, tickets[0] as Ticket, err, attempts);
        return 0;
      }
      const mid = records.length >>> 1;
      o.logger.debug({ err: errorMessage(err), records: records.length }, 'batch rejected, bisecting');
      const head = await this.#writeRange(records.slice(0, mid), tickets.slice(0, mid));
      return head + (await this.#writeRange(records.slice(mid), tickets.slice(mid)));
    }
    const failed = result?.failed;
    if (failed === undefined || failed.length === 0) {
      o.onWritten(tickets, 0, tickets.length);
      return tickets.length;
    }
    return this.#settlePartial(records, tickets, failed, attempts);
  }

  #settlePartial(
    records: PipelineRecord[],
    tickets: Ticket[],
    failed: ReadonlyArray<{ readonly index: number; readonly error: DataError }>,
    attempts: number,
  ): number {
    const o = this.#options;
    const errors = new Map<number, DataError>();
    for (const f of failed) {
      if (Number.isInteger(f.index) && f.index >= 0 && f.index < records.length) errors.set(f.index, f.error);
    }
    let start = 0;
    for (let i = 0; i < records.length; i++) {
      const error = errors.get(i);
      if (error === undefined) continue;
      if (i > start) o.onWritten(tickets, start, i);
      o.onFailed(records[i] as PipelineRecord, tickets[i] as Ticket, error, attempts);
      start = i + 1;
    }
    if (start < records.length) o.onWritten(tickets, start, records.length);
    return records.length - errors.size;
  }
}
