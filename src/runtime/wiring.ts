/**
 * Builds the parts of a run around its prepared plugins: one SinkRunner per sink, the dead-letter
 * queue, the intake (deliver → decode → transforms → route) and the committer, and connects each to
 * the counters and metrics. The engine then only drives the lifecycle.
 */
import type { Logger } from 'pino';
import type { SourcePosition } from '../core/record.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import type { ByteBudget } from './byte-budget.ts';
import { Committer } from './committer.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { createDecoder, type DecodeKind, type JsonDecoding } from './decode.ts';
import { Intake, type IntakeCounters } from './intake.ts';
import type { OffsetTracker } from './offset-tracker.ts';
import type { PreparedPipeline } from './prepare.ts';
import { RetryPolicy } from './retry.ts';
import { Router } from './router.ts';
import { SinkRunner } from './sink-runner.ts';

/** What the run summary is made of, updated as the run goes. */
export interface RunCounts {
  readonly intake: IntakeCounters;
  readonly recordsOut: Record<string, number>;
  deadLettered: number;
  /** The last committed position per `topic/partition`. */
  readonly committed: Map<string, SourcePosition>;
}

export interface WiringOptions {
  readonly tracker: OffsetTracker;
  readonly budget: ByteBudget;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  /** Aborted when the run stops waiting for writes: retries end. */
  readonly hardStop: AbortSignal;
  readonly counts: RunCounts;
  /** A fatal error in processing or committing: the run stops. */
  readonly fail: (err: unknown) => void;
  /** A write stopped with an error (fatal, or the hard stop itself). */
  readonly onWriteError: (err: unknown) => void;
}

export interface Wiring {
  readonly runners: readonly SinkRunner[];
  readonly deadLetters: DeadLetterQueue;
  readonly intake: Intake;
  readonly committer: Committer;
  /** Every batcher, the dead-letter one included. */
  readonly batchers: ReadonlyArray<SinkRunner['batcher']>;
}

export function wireRun(p: PreparedPipeline, o: WiringOptions): Wiring {
  const metrics = o.metrics;
  const pipeline = metrics.pipeline;
  const counts = o.counts;
  // Created below; sink runners only call it once records flow, after it is set.
  let deadLetters: DeadLetterQueue | undefined;
  const runners = p.sinks.map((s) => {
    const name = s.config.name;
    const out = metrics.recordsOut.labels(pipeline, name);
    const retries = metrics.writeRetries.labels(pipeline, name);
    const seconds = metrics.batchWriteSeconds.labels(pipeline, name);
    return new SinkRunner({
      name,
      sink: s.sink,
      when: s.when,
      required: s.config.required,
      batch: { ...s.config.batch, concurrency: s.concurrency },
      policy: new RetryPolicy(s.config.retry),
      tracker: o.tracker,
      logger: o.logger.child({ sink: name }),
      signal: o.hardStop,
      maxQueuedBytes: o.budget.limit,
      onWritten: (_records, count) => {
        counts.recordsOut[name] = (counts.recordsOut[name] ?? 0) + count;
        out.inc(count);
      },
      onFailed: (_record, ticket, error, attempts) => {
        (deadLetters as DeadLetterQueue).send(ticket, `sink:${name}`, error, attempts);
        return true;
      },
      onFatal: o.onWriteError,
      onRetry: () => retries.inc(),
      observeWrite: (s) => seconds.observe(s),
    });
  });
  const dl = p.deadLetter;
  const dlq = new DeadLetterQueue({
    pipeline: p.config.name,
    name: dl.config.name,
    sink: dl.sink,
    batch: dl.config.batch,
    policy: new RetryPolicy(dl.config.retry),
    tracker: o.tracker,
    logger: o.logger.child({ deadLetter: dl.config.name }),
    signal: o.hardStop,
    onWritten: (stage, count) => {
      counts.deadLettered += count;
      metrics.deadLettered.labels(pipeline, stage).inc(count);
    },
    onFatal: o.onWriteError,
  });
  deadLetters = dlq;
  const batchers = [...runners.map((r) => r.batcher), dlq.runner.batcher];
  const intake = new Intake({
    budget: o.budget,
    tracker: o.tracker,
    decode: createDecoder(p.config.source.decode as DecodeKind, jsonDecoding(p)),
    chain: p.chain,
    router: new Router(runners),
    deadLetter: (ticket, stage, error, attempts) => dlq.send(ticket, stage, error, attempts),
    counters: counts.intake,
    // Full budget: write what is batched as soon as each writer is free rather than after linger, so
    // commits free room sooner; a batch that cannot be written yet keeps filling (decision 0103).
    onBlocked: () => {
      for (const b of batchers) b.flushWhenFree('budget-full');
    },
    // The source has nothing more buffered: write what is batched as soon as each writer is free.
    onCaughtUp: () => {
      for (const b of batchers) b.flushWhenFree();
    },
    onPaused: (n) => metrics.pausedPartitions.labels(pipeline).set(n),
    onFatal: o.fail,
  });
  const committer = new Committer({
    tracker: o.tracker,
    commit: (positions) => p.source.commit(positions),
    logger: o.logger,
    onCommitted: (positions) => {
      for (const pos of positions) {
        counts.committed.set(`${pos.topic}/${pos.partition}`, pos);
        metrics.committedOffset.labels(pipeline, pos.topic, String(pos.partition)).set(pos.offset);
      }
    },
  });
  return { runners, deadLetters: dlq, intake, committer, batchers };
}

/**
 * How `json` values are decoded (decisions 0057, 0077): parsed at once for transforms and routing
 * conditions; else kept as their original bytes (parsed when a sink reads them), checked to be JSON
 * unless every sink ignores values.
 */
function jsonDecoding(p: PreparedPipeline): JsonDecoding {
  if (p.chain.steps.length > 0 || p.sinks.some((s) => s.when !== undefined)) return 'parse';
  return p.sinks.every((s) => s.ignoresValues) ? 'bytes' : 'checked-bytes';
}
