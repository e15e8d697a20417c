/**
 * The dead-letter destination as the engine drives it: a required SinkRunner over the configured (or
 * default) dead-letter sink. Sending a record holds its ticket until the dead-letter write succeeded.
 * A dead-letter sink that rejects a record (or gives up retrying) stops the run: there is nowhere left
 * to put the record, and not committing it is the only way not to lose it.
 */
import type { Logger } from 'pino';
import { errorMessage, FatalError } from '../core/errors.ts';
import type { Sink } from '../core/plugin.ts';
import type { BatchLimits } from './batcher.ts';
import { type DeadLetterStage, DLQ_HEADER, deadLetterRecord } from './dead-letter.ts';
import type { OffsetTracker, Ticket } from './offset-tracker.ts';
import type { RetryPolicy } from './retry.ts';
import { describeFailure } from './retry.ts';
import { SinkRunner } from './sink-runner.ts';

export interface DeadLetterQueueOptions {
  readonly pipeline: string;
  readonly name: string;
  readonly sink: Sink;
  readonly batch: BatchLimits;
  readonly policy: RetryPolicy;
  readonly tracker: OffsetTracker;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Records written to the dead-letter sink, by stage. */
  readonly onWritten: (stage: string, count: number) => void;
  readonly onFatal: (err: unknown) => void;
  readonly onRetry?: () => void;
  readonly observeWrite?: (seconds: number) => void;
}

export class DeadLetterQueue {
  readonly runner: SinkRunner;
  readonly #pipeline: string;
  readonly #logger: Logger;

  constructor(o: DeadLetterQueueOptions) {
    this.#pipeline = o.pipeline;
    this.#logger = o.logger;
    this.runner = new SinkRunner({
      name: o.name,
      sink: o.sink,
      required: true,
      batch: o.batch,
      policy: o.policy,
      tracker: o.tracker,
      logger: o.logger,
      signal: o.signal,
      onRetry: o.onRetry,
      observeWrite: o.observeWrite,
      onFatal: o.onFatal,
      onWritten: (records, count) => {
        if (count === records.length) {
          const byStage = new Map<string, number>();
          for (const r of records) {
            const stage = r.headers[DLQ_HEADER.stage] ?? 'unknown';
            byStage.set(stage, (byStage.get(stage) ?? 0) + 1);
          }
          for (const [stage, n] of byStage) o.onWritten(stage, n);
        }
      },
      onFailed: (_record, _ticket, error) => {
        // The record keeps its hold: its offset must not be committed.
        o.onFatal(
          new FatalError(
            'DP_DLQ_WRITE_FAILED',
            `the dead-letter sink "${o.name}" cannot take a record: ${errorMessage(error)}`,
            { cause: error },
          ),
        );
        return false;
      },
    });
  }

  /** Dead-letters the record behind `ticket`, with its provenance. */
  send(ticket: Ticket, stage: DeadLetterStage, error: unknown, attempts: number): void {
    const m = ticket.message;
    const { code, message } = describeFailure(error);
    this.#logger.warn(
      { topic: m.topic, partition: m.partition, offset: m.offset, stage, code, err: message },
      'record dead-lettered',
    );
    this.runner.add(deadLetterRecord(ticket, { stage, error, attempts, pipeline: this.#pipeline }), ticket);
  }
}
