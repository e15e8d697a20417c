/**
 * Turning config entries into plugin instances: looks the type up (in the plugins the composition root
 * passed down, or in plugins a test injects), strips the fields the engine itself handles, and builds
 * each plugin's context.
 */
import type { Logger } from 'pino';
import type { SinkConfig, SourceConfig } from '../config/pipeline-schema.ts';
import { FatalError } from '../core/errors.ts';
import type {
  PipelinePlugins,
  PluginContext,
  Sink,
  SinkPlugin,
  Source,
  SourcePlugin,
  TransformPlugin,
} from '../core/plugin.ts';
import type { PipelineMetrics } from '../observability/metrics.ts';

export interface PluginLookup {
  source(type: string): SourcePlugin | undefined;
  sink(type: string): SinkPlugin | undefined;
  /** The transform kinds `transforms:` entries may name. */
  readonly transforms: readonly TransformPlugin[];
}

/** Looks plugins up by their `type` in a registry. */
export function pluginLookup(plugins: PipelinePlugins): PluginLookup {
  return {
    source: (type) => plugins.sources.find((p) => p.type === type),
    sink: (type) => plugins.sinks.find((p) => p.type === type),
    transforms: plugins.transforms,
  };
}

const SINK_ENGINE_FIELDS = new Set(['type', 'name', 'when', 'required', 'batch', 'retry']);
const SOURCE_ENGINE_FIELDS = new Set(['type', 'decode']);

export interface ContextBase {
  readonly pipelineName: string;
  readonly logger: Logger;
  readonly baseDir: string;
  readonly stateDir: string;
  readonly metrics?: PipelineMetrics;
}

export function pluginContext(base: ContextBase, name: string, kind: 'sink' | 'source'): PluginContext {
  return { ...base, name, logger: base.logger.child(kind === 'sink' ? { sink: name } : { source: name }) };
}

export function createSink(lookup: PluginLookup, config: SinkConfig, ctx: PluginContext): Sink {
  const plugin = lookup.sink(config.type);
  if (plugin === undefined) {
    throw new FatalError('DP_PLUGIN_UNKNOWN', `no sink plugin of type "${config.type}" is registered`);
  }
  return plugin.create(pluginOptions(config, SINK_ENGINE_FIELDS), ctx);
}

export function createSource(lookup: PluginLookup, config: SourceConfig, ctx: PluginContext): Source {
  const plugin = lookup.source(config.type);
  if (plugin === undefined) {
    throw new FatalError('DP_PLUGIN_UNKNOWN', `no source plugin of type "${config.type}" is registered`);
  }
  return plugin.create(pluginOptions(config, SOURCE_ENGINE_FIELDS), ctx);
}

/** The sink's plugin says it never reads values (decision 0077). */
export function sinkIgnoresValues(lookup: PluginLookup, config: SinkConfig): boolean {
  return lookup.sink(config.type)?.ignoresValues === true;
}

/** How many batches the engine may write to the sink at once, each of one partition (decision 0096). */
export function sinkConcurrency(lookup: PluginLookup, config: SinkConfig): number {
  return lookup.sink(config.type)?.concurrentPartitionBatches ?? 1;
}

/** What the sink's `probe` proved (`datapipe check`); undefined when its plugin has no probe. */
export function probeSink(lookup: PluginLookup, config: SinkConfig, ctx: PluginContext) {
  return lookup.sink(config.type)?.probe?.(pluginOptions(config, SINK_ENGINE_FIELDS), ctx);
}

/** What the source's `probe` proved (`datapipe check`); undefined when its plugin has no probe. */
export function probeSource(lookup: PluginLookup, config: SourceConfig, ctx: PluginContext) {
  return lookup.source(config.type)?.probe?.(pluginOptions(config, SOURCE_ENGINE_FIELDS), ctx);
}

function pluginOptions(config: object, engineFields: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!engineFields.has(k)) out[k] = v;
  return out;
}
