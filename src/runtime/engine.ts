/**
 * `runPipeline`: wires a loaded pipeline into a running engine and sees it through its life:
 * connect sinks → run the source → (source ends | abort | fatal error) → stop reading → flush →
 * final commit → close. Periodic commits run every second meanwhile.
 *
 * Shutdown: after an abort (SIGTERM) the engine has `shutdown.gracePeriod` to flush and commit; then it
 * stops waiting (retries end), commits whatever is done and closes. What was not committed is read
 * again by the next run, so nothing is lost. A bounded source that ends is flushed without a deadline.
 */
import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/load.ts';
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import { DatapipeError, errorMessage, FatalError } from '../core/errors.ts';
import type { Source, SourceContext } from '../core/plugin.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import { ByteBudget } from './byte-budget.ts';
import type { PluginLookup } from './instances.ts';
import type { IntakeCounters } from './intake.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { type PreparedPipeline, preparePipeline } from './prepare.ts';
import { readAheadBytes } from './read-ahead.ts';
import { RetryPolicy, retrying } from './retry.ts';
import type { RunSummary } from './run-summary.ts';
import { type RunCounts, type Wiring, wireRun } from './wiring.ts';

export type { RunSummary };

export interface RunOptions {
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  /** Aborting it shuts the pipeline down gracefully (SIGTERM, SIGINT). */
  readonly signal?: AbortSignal;
  /** Called once the sinks are connected and the source starts. */
  readonly onReady?: () => void;
  /** Where the pipeline's plugins are found (`pluginLookup` of the composition root's registry; tests inject fakes). */
  readonly plugins: PluginLookup;
  /** How often done offsets are committed while running; 1000 ms by default. */
  readonly commitIntervalMs?: number;
}

export async function runPipeline(
  loaded: LoadedConfig<PipelineConfig>,
  options: RunOptions,
): Promise<RunSummary> {
  const prepared = await preparePipeline(loaded, {
    logger: options.logger,
    metrics: options.metrics,
    plugins: options.plugins,
  });
  return new PipelineRun(prepared, options).run();
}

/** The default time between periodic commits. */
const COMMIT_INTERVAL_MS = 1000;

class PipelineRun {
  readonly #prepared: PreparedPipeline;
  readonly #options: RunOptions;
  readonly #log: Logger;
  readonly #config: PipelineConfig;
  /** Aborted when shutdown begins: the source stops reading. */
  readonly #stopping = new AbortController();
  /** Aborted when the run stops waiting for writes (grace period over, fatal error). */
  readonly #hardStop = new AbortController();
  readonly #tracker: OffsetTracker;
  readonly #budget: ByteBudget;
  readonly #counts: RunCounts = {
    intake: { recordsIn: 0, filtered: 0, unrouted: 0 },
    recordsOut: {},
    deadLettered: 0,
    committed: new Map(),
  };
  #failure: unknown;
  #onFailure: () => void = () => {};
  readonly #failed: Promise<void>;
  /** Set once the sinks are connected. */
  #wiring: Wiring | undefined;
  #lastCounted: IntakeCounters = { recordsIn: 0, filtered: 0, unrouted: 0 };

  constructor(prepared: PreparedPipeline, options: RunOptions) {
    this.#prepared = prepared;
    this.#options = options;
    this.#log = options.logger;
    this.#config = prepared.config;
    this.#budget = new ByteBudget(
      readAheadBytes(
        this.#config.limits.maxInFlightBytes,
        prepared.sinks.map((s) => ({ maxBytes: s.config.batch.maxBytes, concurrency: s.concurrency })),
      ),
    );
    this.#tracker = new OffsetTracker((bytes) => this.#budget.release(bytes));
    this.#failed = new Promise((resolve) => {
      this.#onFailure = resolve;
    });
    for (const s of prepared.sinks) this.#counts.recordsOut[s.config.name] = 0;
  }

  async run(): Promise<RunSummary> {
    const external = this.#options.signal;
    const metrics = this.#options.metrics;
    const pipeline = metrics.pipeline;
    metrics.inFlightBudgetBytes.labels(pipeline).set(this.#budget.limit);
    // Every series exists from the start, so dashboards and alerts see zeros rather than gaps.
    metrics.inFlightBytes.labels(pipeline).set(0);
    metrics.pausedPartitions.labels(pipeline).set(0);
    metrics.recordsIn.labels(pipeline).inc(0);
    metrics.recordsFiltered.labels(pipeline).inc(0);
    for (const s of this.#prepared.sinks) metrics.recordsOut.labels(pipeline, s.config.name).inc(0);
    const connected = await this.#connect();
    if (!connected) {
      await this.#closeAll();
      this.#throwIfFailed();
      return this.#summary();
    }
    this.#wiring = wireRun(this.#prepared, {
      tracker: this.#tracker,
      budget: this.#budget,
      logger: this.#log,
      metrics,
      hardStop: this.#hardStop.signal,
      counts: this.#counts,
      fail: (err) => this.#fail(err),
      onWriteError: (err) => this.#onWriteError(err),
    });
    const timer = setInterval(() => this.#tick(), this.#options.commitIntervalMs ?? COMMIT_INTERVAL_MS);
    const onAbort = () => this.#beginShutdown('signal');
    external?.addEventListener('abort', onAbort, { once: true });
    if (external?.aborted) onAbort();
    try {
      this.#options.onReady?.();
      const sourceRun = this.#runSource();
      const outcome = await Promise.race([
        sourceRun,
        this.#failed.then(() => 'failed' as const),
        abortedPromise(this.#stopping.signal).then(() => 'stopped' as const),
      ]);
      if (outcome !== 'ended') {
        await this.#stopSource(sourceRun);
      }
      this.#wired.intake.close();
      if (this.#failure === undefined) await this.#flush(outcome === 'ended' && !external?.aborted);
      await this.#finalCommit();
    } finally {
      clearInterval(timer);
      external?.removeEventListener('abort', onAbort);
      this.#updateMetrics();
      await this.#closeAll();
    }
    this.#throwIfFailed();
    return this.#summary();
  }

  // ---------- lifecycle ----------

  /** Connects every sink (retrying retryable errors); false when aborted before all were connected. */
  async #connect(): Promise<boolean> {
    const signal = AbortSignal.any([
      this.#hardStop.signal,
      ...(this.#options.signal ? [this.#options.signal] : []),
    ]);
    const all = [...this.#prepared.sinks, this.#prepared.deadLetter];
    try {
      await Promise.all(
        all.map((s) =>
          retrying(() => s.sink.connect(), new RetryPolicy(s.config.retry), {
            signal,
            onRetry: (err, attempt, delayMs) =>
              this.#log.warn(
                { sink: s.config.name, err: errorMessage(err), attempt, delayMs },
                'sink not reachable, retrying',
              ),
          }),
        ),
      );
      return true;
    } catch (err) {
      if (signal.aborted) return false;
      this.#fail(
        err instanceof DatapipeError
          ? err
          : new FatalError('DP_SINK_CONNECT_FAILED', errorMessage(err), { cause: err }),
      );
      return false;
    }
  }

  /** Runs the source; resolves 'ended' when it ends by itself, or fails the run if it throws. */
  async #runSource(): Promise<'ended' | 'failed'> {
    const source: Source = this.#prepared.source;
    const ctx: SourceContext = {
      ...this.#prepared.sourceContext,
      signal: this.#stopping.signal,
      deliver: (messages, options) => this.#wired.intake.deliver(messages, options),
      drainPartitions: (partitions) => this.#drainPartitions(partitions),
    };
    try {
      await source.run(ctx);
      return 'ended';
    } catch (err) {
      if (this.#stopping.signal.aborted) {
        // Stopped by us: an error on the way out (e.g. an aborted read) is not a failure of the run.
        this.#log.debug({ err: errorMessage(err) }, 'source ended with an error after stop');
        return 'ended';
      }
      this.#fail(
        err instanceof DatapipeError
          ? err
          : new FatalError('DP_SOURCE_FAILED', `source failed: ${errorMessage(err)}`, { cause: err }),
      );
      return 'failed';
    }
  }

  /** Starts the shutdown: the source stops reading, and the grace period starts. */
  #beginShutdown(reason: 'signal' | 'failure'): void {
    if (this.#stopping.signal.aborted) return;
    this.#log.info({ reason }, 'shutting down');
    this.#stopping.abort();
    if (reason === 'signal') this.#startGracePeriod();
  }

  #graceTimer: NodeJS.Timeout | undefined;

  #startGracePeriod(): void {
    if (this.#graceTimer !== undefined || this.#hardStop.signal.aborted) return;
    const ms = this.#config.shutdown.gracePeriod;
    this.#graceTimer = setTimeout(() => {
      this.#log.warn({ gracePeriodMs: ms }, 'grace period over: uncommitted records will be read again');
      this.#hardStop.abort(new Error('grace period over'));
    }, ms);
  }

  async #stopSource(sourceRun: Promise<unknown>): Promise<void> {
    this.#beginShutdown(this.#failure === undefined ? 'signal' : 'failure');
    // Deliveries from now on are refused (not taken, so not committed: the next run reads them again);
    // one waiting for budget room returns at once, so the source can wind down.
    this.#wired.intake.close();
    const hardStop = abortedPromise(this.#hardStop.signal);
    try {
      await Promise.race([this.#prepared.source.stop(), hardStop]);
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, 'source stop failed');
    }
    await Promise.race([sourceRun, hardStop]);
  }

  /** Writes everything taken; `unbounded` when no deadline applies (a bounded source ended). */
  async #flush(unbounded: boolean): Promise<void> {
    if (!unbounded) this.#startGracePeriod();
    const external = this.#options.signal;
    const onAbort = () => this.#startGracePeriod();
    external?.addEventListener('abort', onAbort, { once: true });
    this.#setEager(true);
    try {
      await Promise.race([
        (async () => {
          await this.#wired.intake.idle();
          this.#flushBatches();
          await this.#tracker.whenIdle();
          // Every required write is done; best-effort sinks get at most the grace period to finish.
          this.#startGracePeriod();
          await Promise.all(this.#wired.runners.map((r) => r.batcher.idle()));
        })(),
        abortedPromise(this.#hardStop.signal),
        this.#failed,
      ]);
    } finally {
      external?.removeEventListener('abort', onAbort);
      this.#setEager(false);
    }
  }

  async #finalCommit(): Promise<void> {
    try {
      await this.#commitUntilDone();
    } catch (err) {
      if (err instanceof FatalError) this.#fail(err);
      else
        this.#log.warn(
          { err: errorMessage(err) },
          'final commit failed: the uncommitted records will be read again',
        );
    }
  }

  /** Commits, retrying retryable errors until committed or the run stops waiting (then one last try). */
  async #commitUntilDone(): Promise<void> {
    const policy = new RetryPolicy({ maxAttempts: 0, initialBackoff: 100, maxBackoff: 2000 });
    if (this.#hardStop.signal.aborted) return this.#wired.committer.commit();
    try {
      await retrying(() => this.#wired.committer.commit(), policy, { signal: this.#hardStop.signal });
    } catch (err) {
      if (!this.#hardStop.signal.aborted) throw err;
      await this.#wired.committer.commit();
    }
  }

  /** For rebalances: write and commit everything taken from these partitions, then forget them. */
  async #drainPartitions(partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<void> {
    await this.#wired.intake.idle();
    this.#setEager(true);
    try {
      await Promise.race([
        this.#tracker.whenIdle(partitions),
        abortedPromise(this.#hardStop.signal).then(() => {
          throw new FatalError('DP_RUNTIME_STOPPED', 'the run stopped before the partitions were drained');
        }),
      ]);
      await this.#commitUntilDone();
    } finally {
      this.#setEager(false);
    }
    this.#tracker.forget(partitions);
  }

  async #closeAll(): Promise<void> {
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    for (const b of this.#wiring?.batchers ?? []) b.stop();
    const close = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        this.#log.warn({ err: errorMessage(err) }, `closing ${what} failed`);
      }
    };
    await Promise.all([
      ...this.#prepared.sinks.map((s) => close(`sink ${s.config.name}`, () => s.sink.close())),
      close('dead-letter sink', () => this.#prepared.deadLetter.sink.close()),
      close('source', () => this.#prepared.source.close()),
    ]);
  }

  // ---------- helpers ----------

  #fail(err: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = err;
    this.#log.error({ err: errorMessage(err), code: (err as DatapipeError).code }, 'pipeline failed');
    this.#beginShutdown('failure');
    this.#hardStop.abort(err);
    this.#wiring?.intake.close();
    this.#onFailure();
  }

  /** A write stopped: by the abort of the run (nothing to do), or by a fatal error. */
  #onWriteError(err: unknown): void {
    if (this.#hardStop.signal.aborted) return;
    this.#fail(err);
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #flushBatches(): void {
    for (const b of this.#wired.batchers) b.flush();
  }

  #setEager(eager: boolean): void {
    for (const b of this.#wired.batchers) b.setEager(eager);
  }

  /** The parts of the run; only used once the sinks are connected. */
  get #wired(): Wiring {
    if (this.#wiring === undefined) throw new Error('the run is not wired yet');
    return this.#wiring;
  }

  /** Every second: commit what is done, and bring the gauges and counters up to date. */
  #tick(): void {
    this.#updateMetrics();
    if (this.#wiring === undefined || this.#failure !== undefined) return;
    this.#wiring.committer.commit().catch((err: unknown) => {
      if (err instanceof FatalError) this.#fail(err);
    });
  }

  #updateMetrics(): void {
    const metrics = this.#options.metrics;
    const pipeline = metrics.pipeline;
    metrics.inFlightBytes.labels(pipeline).set(this.#budget.used);
    const c = this.#counts.intake;
    const last = this.#lastCounted;
    if (c.recordsIn > last.recordsIn) metrics.recordsIn.labels(pipeline).inc(c.recordsIn - last.recordsIn);
    if (c.filtered > last.filtered) metrics.recordsFiltered.labels(pipeline).inc(c.filtered - last.filtered);
    this.#lastCounted = { ...c };
  }

  #summary(): RunSummary {
    return {
      records_in: this.#counts.intake.recordsIn,
      records_out: { ...this.#counts.recordsOut },
      dead_lettered: this.#counts.deadLettered,
      filtered: this.#counts.intake.filtered,
      unrouted: this.#counts.intake.unrouted,
      committed: [...this.#counts.committed.values()],
    };
  }
}

function abortedPromise(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
