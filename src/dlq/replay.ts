/**
 * `datapipe dlq replay`: runs the pipeline with its dead-letter topic as the source. Everything else is
 * the pipeline as configured — decode, transforms, sinks, and the dead-letter destination for records
 * that fail again — so a replayed record is processed exactly like a fresh one.
 */

import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/load.ts';
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import type { PipelinePlugins, SourcePlugin } from '../core/plugin.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import { runPipeline } from '../runtime/engine.ts';
import { type PluginLookup, pluginLookup } from '../runtime/instances.ts';
import type { RunSummary } from '../runtime/run-summary.ts';
import { kafkaSourceOptions } from '../sources/kafka/options.ts';
import { kafkaDeadLetterTarget } from './dead-letter-target.ts';
import { DeadLetterReplaySource, type ReplayProgress } from './replay-source.ts';

export async function replayDeadLetters(
  loaded: LoadedConfig<PipelineConfig>,
  options: {
    logger: Logger;
    metrics: PipelineMetrics;
    /** The registry the sinks are found in. */
    plugins: PipelinePlugins;
    limit: number;
    signal?: AbortSignal;
    onProgress?: (p: ReplayProgress) => void;
  },
): Promise<RunSummary> {
  const target = kafkaDeadLetterTarget(loaded.config);
  const replaySource: SourcePlugin = {
    type: String(loaded.config.source.type),
    description: 'The dead-letter topic, replayed as the original records.',
    options: kafkaSourceOptions,
    create: (_options, ctx) =>
      new DeadLetterReplaySource(target, ctx, {
        limit: options.limit,
        // Half the configured budget: the window is held while the engine takes it in, within its own
        // budget in force (at most the configured one, often less: read-ahead, decision 0089).
        windowBytes: loaded.config.limits.maxInFlightBytes / 2,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
  };
  const { sink, transforms } = pluginLookup(options.plugins);
  const plugins: PluginLookup = { source: () => replaySource, sink, transforms };
  return runPipeline(loaded, {
    logger: options.logger,
    metrics: options.metrics,
    plugins,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
