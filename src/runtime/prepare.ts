/**
 * Everything a run needs that can be built before connecting anything: compiled transforms and `when`
 * conditions (a bad one is a ConfigError at its line), and the source, sink and dead-letter instances.
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/load.ts';
import {
  batchSchema,
  type PipelineConfig,
  retrySchema,
  type SinkConfig,
  type SourceConfig,
} from '../config/pipeline-schema.ts';
import type { PluginContext, Sink, Source } from '../core/plugin.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';
import { compileExpression, compileTransforms, type TransformChain } from '../transforms/chain.ts';
import type { RecordExpression } from '../transforms/jsonata-expression.ts';
import { DEAD_LETTER_FILE_NAME, deadLetterFileSink } from './dead-letter-file.ts';
import {
  type ContextBase,
  createSink,
  createSource,
  type PluginLookup,
  pluginContext,
  sinkConcurrency,
  sinkIgnoresValues,
} from './instances.ts';

interface PreparedSink {
  readonly config: SinkConfig;
  readonly sink: Sink;
  readonly when: RecordExpression | undefined;
  /** The sink never reads values (decision 0077). */
  readonly ignoresValues: boolean;
  /** Batches written at once, each of one partition (decision 0096); 1: one at a time. */
  readonly concurrency: number;
}

export interface PreparedPipeline {
  readonly config: PipelineConfig;
  readonly chain: TransformChain;
  readonly sinks: readonly PreparedSink[];
  readonly deadLetter: PreparedSink;
  readonly source: Source;
  readonly sourceContext: PluginContext;
}

/** What every plugin context of a pipeline shares. */
export function contextBase(
  loaded: LoadedConfig<PipelineConfig>,
  options: { logger: Logger; metrics?: PipelineMetrics },
): ContextBase {
  const config = loaded.config;
  return {
    pipelineName: config.name,
    logger: options.logger,
    baseDir: loaded.baseDir,
    stateDir: resolve(loaded.baseDir, config.stateDir ?? join('.datapipe', config.name)),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
}

export async function preparePipeline(
  loaded: LoadedConfig<PipelineConfig>,
  options: { logger: Logger; plugins: PluginLookup; metrics?: PipelineMetrics },
): Promise<PreparedPipeline> {
  const config = loaded.config;
  const base = contextBase(loaded, options);
  const chain = await compileTransforms(loaded, options.plugins.transforms);
  const sourceContext = pluginContext(base, 'source', 'source');
  const sinkConfigs = config.sinks as SinkConfig[];
  const whens = compileSinkConditions(loaded);
  const sinks = sinkConfigs.map((s, i) => ({
    config: s,
    sink: createSink(options.plugins, s, pluginContext(base, s.name, 'sink')),
    when: whens[i],
    ignoresValues: sinkIgnoresValues(options.plugins, s),
    concurrency: sinkConcurrency(options.plugins, s),
  }));
  return {
    config,
    chain,
    sinks,
    deadLetter: deadLetterSink(config, base, options.plugins, options.logger),
    source: createSource(options.plugins, config.source as SourceConfig, sourceContext),
    sourceContext,
  };
}

/** Each sink's `when` routing condition, compiled; a bad one is a ConfigError at its line. */
export function compileSinkConditions(
  loaded: LoadedConfig<PipelineConfig>,
): Array<RecordExpression | undefined> {
  return (loaded.config.sinks as SinkConfig[]).map((s, i) =>
    s.when === undefined ? undefined : compileExpression(loaded, ['sinks', i, 'when'], s.when as string),
  );
}

/**
 * The configured `deadLetter` sink; else, for a Kafka source, the `<name>.dlq` topic on the same
 * cluster (when the `kafka` sink is registered); else a JSONL file in the state folder.
 */
function deadLetterSink(
  config: PipelineConfig,
  base: ContextBase,
  plugins: PluginLookup,
  logger: Logger,
): PreparedSink {
  const configured = deadLetterConfig(config, plugins, logger);
  if (configured !== undefined) {
    return {
      config: configured,
      sink: createSink(plugins, configured, pluginContext(base, configured.name, 'sink')),
      when: undefined,
      // dead letters are written from the messages' original bytes, never from decoded values
      ignoresValues: true,
      // one batch at a time: the dead-letter queue keeps its own order of failures
      concurrency: 1,
    };
  }
  const file = join(base.stateDir, DEAD_LETTER_FILE_NAME);
  return {
    config: engineSinkConfig({ type: 'dead-letter-file' }),
    sink: deadLetterFileSink(file),
    when: undefined,
    ignoresValues: true,
    concurrency: 1,
  };
}

/** The configured `deadLetter` sink, else the `<name>.dlq` topic of a Kafka source; none means the state-folder file. */
export function deadLetterConfig(
  config: PipelineConfig,
  plugins: PluginLookup,
  logger: Logger,
): SinkConfig | undefined {
  return (config.deadLetter as SinkConfig | undefined) ?? kafkaDeadLetter(config, plugins, logger);
}

/** A `kafka` sink config for `<name>.dlq`, with the connection fields of the Kafka source. */
function kafkaDeadLetter(
  config: PipelineConfig,
  plugins: PluginLookup,
  logger: Logger,
): SinkConfig | undefined {
  const source = config.source as SourceConfig & Record<string, unknown>;
  const plugin = source.type === 'kafka' ? plugins.sink('kafka') : undefined;
  if (plugin === undefined) return undefined;
  const connection: Record<string, unknown> = {};
  for (const field of Object.keys(plugin.options.shape)) {
    if (field !== 'topic' && source[field] !== undefined) connection[field] = source[field];
  }
  const topic = `${config.name}.dlq`;
  // The dead-letter topic is created on first use, with the broker's default partitions and replication.
  const parsed = plugin.options.safeParse({ ...connection, topic, createTopic: {} });
  if (!parsed.success) {
    logger.warn(
      { topic, err: parsed.error.message },
      'cannot use the dead-letter topic; using a file instead',
    );
    return undefined;
  }
  return engineSinkConfig({ ...parsed.data, type: 'kafka' });
}

function engineSinkConfig(fields: Record<string, unknown> & { type: string }): SinkConfig {
  return {
    name: 'dead-letter',
    required: true,
    batch: batchSchema.parse({}),
    retry: retrySchema.parse({}),
    ...fields,
  } as SinkConfig;
}
