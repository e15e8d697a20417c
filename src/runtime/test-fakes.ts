/**
 * In-process fakes for the engine's unit tests (pure logic only; real connectors have their own
 * integration tests). Not used by production code.
 */

import { pino } from 'pino';
import { z } from 'zod';
import { pipelinePlugins } from '../cli/plugins.ts';
import type { LoadedConfig } from '../config/load.ts';
import { batchSchema, type PipelineConfig, retrySchema } from '../config/pipeline-schema.ts';
import { parseYamlText } from '../config/yaml-file.ts';
import type {
  PipelineRecord,
  PluginContext,
  Sink,
  SinkPlugin,
  SinkWriteResult,
  Source,
  SourceContext,
  SourceMessage,
  SourcePlugin,
  SourcePosition,
} from '../core/plugin.ts';
import { PipelineMetrics } from '../observability/metrics.ts';
import type { RunOptions } from './engine.ts';
import type { PluginLookup } from './instances.ts';

export const silentLogger = pino({ level: 'silent' });

export function message(partition: number, offset: number, value: unknown, topic = 't'): SourceMessage {
  return {
    topic,
    partition,
    offset,
    key: Buffer.from(`k${offset}`),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: {},
    timestamp: 1_700_000_000_000 + offset,
  };
}

/** A plugin's context for driving a real sink or source directly in a test: silent logs, one folder. */
export function testPluginContext(name: string, dir: string): PluginContext {
  return { pipelineName: 'test', name, logger: silentLogger, baseDir: dir, stateDir: dir };
}

/**
 * A source's context for running a real source in-process: it collects what the source delivers
 * (and tells `onDeliver` about each delivery).
 */
export function fakeSourceContext(options: {
  baseDir: string;
  stateDir: string;
  onDeliver?: (messages: readonly SourceMessage[]) => void;
}): { ctx: SourceContext; delivered: SourceMessage[] } {
  const delivered: SourceMessage[] = [];
  const ctx: SourceContext = {
    pipelineName: 'test',
    name: 'source',
    logger: silentLogger,
    baseDir: options.baseDir,
    stateDir: options.stateDir,
    signal: new AbortController().signal,
    deliver: async (messages) => {
      delivered.push(...messages);
      options.onDeliver?.(messages);
    },
    drainPartitions: async () => {},
  };
  return { ctx, delivered };
}

/** A source that delivers the given deliveries in order, then ends (or, if `unbounded`, waits for stop). */
export class FakeSource implements Source {
  readonly deliveries: SourceMessage[][];
  readonly unbounded: boolean;
  readonly commits: SourcePosition[][] = [];
  /** Resolves with the context once `run` started. */
  readonly started: PromiseWithResolvers<SourceContext> = Promise.withResolvers();
  /** Number of deliveries whose `deliver` promise resolved. */
  taken = 0;
  closed = false;
  #stop = Promise.withResolvers<void>();

  constructor(deliveries: SourceMessage[][], options: { unbounded?: boolean } = {}) {
    this.deliveries = deliveries;
    this.unbounded = options.unbounded ?? false;
  }

  async run(ctx: SourceContext): Promise<void> {
    this.started.resolve(ctx);
    for (const d of this.deliveries) {
      if (ctx.signal.aborted) return;
      await ctx.deliver(d);
      this.taken++;
    }
    if (this.unbounded) await this.#stop.promise;
  }
  async commit(positions: readonly SourcePosition[]): Promise<void> {
    this.commits.push(positions.map((p) => ({ ...p })));
  }
  async stop(): Promise<void> {
    this.#stop.resolve();
  }
  async close(): Promise<void> {
    this.closed = true;
  }

  /** The last committed offset of each partition, as `topic/partition → offset`. */
  committed(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.commits) for (const p of c) out[`${p.topic}/${p.partition}`] = p.offset;
    return out;
  }
}

export type WriteBehaviour = (
  batch: readonly PipelineRecord[],
  call: number,
) => Promise<SinkWriteResult | undefined | unknown>;

/** A sink that records what it durably wrote; `behaviour` decides each write's outcome. */
export class FakeSink implements Sink {
  readonly written: PipelineRecord[] = [];
  readonly batches: number[] = [];
  calls = 0;
  concurrent = 0;
  maxConcurrent = 0;
  /** Writes that began while another write held one of their partitions. */
  samePartitionAtOnce = 0;
  /** Writes whose batch held more than one partition. */
  mixedBatches = 0;
  readonly #partitionsInFlight = new Set<string>();
  closed = false;
  behaviour: WriteBehaviour;

  constructor(behaviour: WriteBehaviour = async () => undefined) {
    this.behaviour = behaviour;
  }

  async connect(): Promise<void> {}
  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    this.calls++;
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    const partitions = new Set(batch.map((r) => `${r.position.topic}/${r.position.partition}`));
    if (partitions.size > 1) this.mixedBatches++;
    for (const p of partitions) {
      if (this.#partitionsInFlight.has(p)) this.samePartitionAtOnce++;
      this.#partitionsInFlight.add(p);
    }
    try {
      // A behaviour may return nothing (all written) or a SinkWriteResult.
      const result = ((await this.behaviour(batch, this.calls)) ?? undefined) as SinkWriteResult | undefined;
      const failed = new Set((result?.failed ?? []).map((f) => f.index));
      batch.forEach((r, i) => {
        if (!failed.has(i)) this.written.push(r);
      });
      this.batches.push(batch.length);
      return result;
    } finally {
      this.concurrent--;
      for (const p of partitions) this.#partitionsInFlight.delete(p);
    }
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** The offsets written, per partition. */
  offsets(partition = 0, topic = 't'): number[] {
    return this.written
      .filter((r) => r.position.partition === partition && r.position.topic === topic)
      .map((r) => r.position.offset);
  }
}

/** Plugins `fake` (source) and `fake-a`, `fake-b`, ... (sinks) backed by the given instances. */
/** `ignoringValues`: the sink types whose plugin says it never reads values (like the null sink). */
/** `concurrent`: the sink types whose plugin declares `concurrentPartitionBatches`, and its value. */
export function fakePlugins(
  source: Source,
  sinks: Record<string, Sink>,
  ignoringValues: readonly string[] = [],
  concurrent: Readonly<Record<string, number>> = {},
): PluginLookup {
  const options = z.object({});
  return {
    transforms: pipelinePlugins.transforms,
    source: (type) =>
      type === 'fake'
        ? ({ type, description: '', options, create: () => source } satisfies SourcePlugin)
        : undefined,
    sink: (type) => {
      const sink = sinks[type];
      if (!sink) return undefined;
      const ignoresValues = ignoringValues.includes(type);
      const concurrentPartitionBatches = concurrent[type];
      return {
        type,
        description: '',
        options,
        create: () => sink,
        ignoresValues,
        ...(concurrentPartitionBatches ? { concurrentPartitionBatches } : {}),
      } satisfies SinkPlugin;
    },
  };
}

export interface FakeSinkConfig {
  type: string;
  name: string;
  when?: string;
  required?: boolean;
  batch?: { maxRecords?: number; maxBytes?: number; linger?: number };
  retry?: { maxAttempts?: number; initialBackoff?: number; maxBackoff?: number };
}

/** A loaded pipeline config with the schema's defaults, for fake plugin types the schema does not know. */
export function fakePipeline(options: {
  sinks: FakeSinkConfig[];
  deadLetter?: FakeSinkConfig;
  transforms?: PipelineConfig['transforms'];
  decode?: 'json' | 'string' | 'bytes';
  maxInFlightBytes?: number;
  gracePeriod?: number;
  baseDir?: string;
  stateDir?: string;
}): LoadedConfig<PipelineConfig> {
  const sink = (s: FakeSinkConfig) => ({
    ...s,
    required: s.required ?? true,
    batch: batchSchema.parse({ linger: 5, ...s.batch }),
    retry: retrySchema.parse({ initialBackoff: 1, maxBackoff: 5, ...s.retry }),
  });
  const config = {
    name: 'test',
    source: { type: 'fake', decode: options.decode ?? 'json' },
    transforms: options.transforms ?? [],
    sinks: options.sinks.map(sink),
    ...(options.deadLetter ? { deadLetter: sink(options.deadLetter) } : {}),
    limits: { maxInFlightBytes: options.maxInFlightBytes ?? 64 * 1024 * 1024 },
    shutdown: { gracePeriod: options.gracePeriod ?? 5000 },
    observability: { port: 0, host: '127.0.0.1', enabled: false, logLevel: 'silent' },
    stateDir: options.stateDir ?? '/nonexistent/datapipe-test-state',
  } as unknown as PipelineConfig;
  const baseDir = options.baseDir ?? process.cwd();
  return { file: 'test.yaml', baseDir, config, yaml: parseYamlText('{}', 'test.yaml') };
}

export function runOptions(plugins: PluginLookup, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    logger: silentLogger,
    metrics: new PipelineMetrics('test'),
    plugins,
    commitIntervalMs: 10,
    ...extra,
  };
}
