/**
 * Hands commit points to the source. Commits never overlap (a request during a commit runs once after
 * it, however many came in) and only ever move a partition forward, because the tracker only reports
 * points above the last committed one.
 */
import type { Logger } from 'pino';
import { classOf, errorMessage } from '../core/errors.ts';
import type { SourcePosition } from '../core/record.ts';
import type { OffsetTracker } from './offset-tracker.ts';

export interface CommitterOptions {
  readonly tracker: OffsetTracker;
  readonly commit: (positions: readonly SourcePosition[]) => Promise<void>;
  readonly logger: Logger;
  /** After each successful commit, e.g. to update metrics. */
  readonly onCommitted?: (positions: readonly SourcePosition[]) => void;
}

export class Committer {
  readonly #options: CommitterOptions;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(options: CommitterOptions) {
    this.#options = options;
  }

  /**
   * Commits everything committable now. Rejects with the source's error; a retryable one is also
   * logged, and the next call tries again with the then-current points.
   */
  commit(): Promise<void> {
    if (this.#running === undefined) {
      const run = this.#commitOnce().finally(() => {
        this.#running = undefined;
      });
      this.#running = run;
      return run;
    }
    // One follow-up commit covers every request made while a commit was running.
    this.#queued ??= this.#running
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        return this.commit();
      });
    return this.#queued;
  }

  async #commitOnce(): Promise<void> {
    const o = this.#options;
    const positions = o.tracker.committable();
    if (positions.length === 0) return;
    try {
      await o.commit(positions);
    } catch (err) {
      if (classOf(err) === 'retryable') {
        o.logger.warn({ err: errorMessage(err) }, 'commit failed; will retry');
      }
      throw err;
    }
    o.tracker.markCommitted(positions);
    o.onCommitted?.(positions);
  }
}
