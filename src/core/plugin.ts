/**
 * The contracts a source or a sink implements. Adding a connector is one file that exports a
 * `SourcePlugin` or `SinkPlugin` (its options schema, its cross-field checks and a factory) and one
 * line in the composition root (`src/cli/plugins.ts`), which passes the registry down. The spec is the
 * single source of validation, the TypeScript type of the options, the JSON Schema and the reference docs.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { DataError } from './errors.ts';
import type { PipelineRecord, SourceMessage, SourcePosition } from './record.ts';

export interface PluginContext {
  readonly pipelineName: string;
  /** The instance name (a sink's `name`, or `source`). */
  readonly name: string;
  readonly logger: Logger;
  /** Folder of the pipeline file: relative paths in options resolve against it. */
  readonly baseDir: string;
  /** A private folder for this pipeline's state (checkpoints, ...), created on demand. */
  readonly stateDir: string;
  /** The run's metrics, for plugins that report their own (e.g. the Kafka source's consumer lag). */
  readonly metrics?: PluginMetrics;
}

/**
 * The part of the run's metrics (src/observability/metrics.ts) a plugin may report to, declared here so
 * that the contract imports no metrics library.
 */
export interface PluginMetrics {
  /** The pipeline label of every series. */
  readonly pipeline: string;
  readonly consumerLag: {
    set(labels: { pipeline: string; topic: string; partition: string }, value: number): void;
  };
}

/**
 * A rule across a plugin's options that its schema cannot express, broken: `path` names the option to
 * fix (inside the plugin's options, e.g. `['bucket']`), `reason` says why. `datapipe validate` and
 * `datapipe run` report it as `file:line:col: field: reason` before anything starts.
 */
export interface OptionsProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly reason: string;
}

/**
 * A platform resource a source or sink may name instead of spelling out its connection (`store:
 * orders-archive`); a bindings file says what the name is in each environment (docs/bindings.md).
 */
export interface BindingSpec {
  /** The option that names the resource, e.g. `store`. */
  readonly field: string;
  /** The binding `type` it names, e.g. `object-store`; plugins that share a type share its fields. */
  readonly type: string;
  /** The options a binding of this type supplies: where and how to connect, never what to write. */
  readonly fields: readonly string[];
}

/**
 * What `datapipe check` proved about one endpoint a source or sink uses, with the credentials the process
 * has. `endpoint` says where (`s3://bucket at https://host:9000`, `kafka 10.0.0.1:9092`), never a secret.
 */
export interface ProbeResult {
  readonly endpoint: string;
  /** ok: proven; failed: see `detail` and `fix`; skipped: nothing to reach, or no harmless way to prove it. */
  readonly status: 'ok' | 'failed' | 'skipped';
  /** What was proven, or which step failed and why. */
  readonly detail: string;
  /** What to change, for a failure. */
  readonly fix?: string;
}

// ---------- sinks ----------

export interface SinkWriteResult {
  /** Records of the batch that can never be written (by index in the batch); the rest are durably written. */
  readonly failed?: ReadonlyArray<{ readonly index: number; readonly error: DataError }>;
}

export interface Sink {
  /** Opens connections. Throws RetryableError while the server is unreachable, FatalError for auth or config. */
  connect(): Promise<void>;
  /**
   * Durably and idempotently writes the batch: when it resolves, every record not listed in `failed` is
   * stored, and writing the same records again (a replay) must not duplicate them.
   * Throws RetryableError (the engine retries the whole batch with backoff), DataError (the whole batch is
   * bad: the engine bisects it to find the bad records) or FatalError (the run stops).
   * The engine hands each partition's records in offset order, and a partition's next batch only once its
   * previous `write` resolved. It never calls `write` concurrently, unless the plugin declares
   * `concurrentPartitionBatches`: then each batch holds one partition, and batches in flight together hold
   * different partitions.
   */
  write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined>;
  close(): Promise<void>;
}

/**
 * The batch limits a sink writes with when its config leaves them out, in place of the shared defaults
 * (`batch` in src/config/pipeline-schema.ts). For sinks whose every batch costs a fixed price (one object
 * per partition, one commit), larger batches are cheaper per record (decision 0080).
 */
export interface BatchDefaults {
  readonly maxRecords?: number;
  /** Bytes: it still bounds what one batch holds in memory. */
  readonly maxBytes?: number;
  /** Why this sink differs from the shared defaults, one sentence for the reference docs. */
  readonly reason: string;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds plugins of every option shape
export interface SinkPlugin<Options extends z.ZodObject = z.ZodObject<any>> {
  /** The value of `type:` in the config. */
  readonly type: string;
  /** One sentence for the docs. */
  readonly description: string;
  /** The type-specific options (without `type`, `name` and the common sink fields). */
  readonly options: Options;
  /** The cross-field rules of the options (none when absent); `create` may assume they hold. */
  check?(options: z.output<Options>): readonly OptionsProblem[];
  /** The platform resource this sink may name (docs/bindings.md); none when absent. */
  readonly binding?: BindingSpec;
  /** Its own defaults of `batch.maxRecords` / `batch.maxBytes`; the shared ones when absent. */
  readonly batchDefaults?: BatchDefaults;
  /**
   * How many batches the engine may write at once (decision 0096), for a sink whose writes of different
   * partitions are independent and take time it waits on (an fsync, a request): each batch then holds one
   * partition's records, and no two batches in flight hold the same partition. Absent or 1: one batch at
   * a time, holding any partitions.
   */
  readonly concurrentPartitionBatches?: number;
  create(options: z.output<Options>, ctx: PluginContext): Sink;
  /**
   * True for a sink that never reads record values, nor needs them to be valid (the null sink): when
   * every sink of a pipeline says so, `json` values are not checked at decode (decision 0077).
   */
  readonly ignoresValues?: boolean;
  /**
   * Proves, without writing any record, that the endpoints the sink uses can be reached and written with
   * the process's credentials (`datapipe check`): e.g. writes, reads back and deletes a probe object.
   */
  probe?(options: z.output<Options>, ctx: PluginContext): Promise<readonly ProbeResult[]>;
}

// ---------- sources ----------

export interface SourceContext extends PluginContext {
  /**
   * Hands messages to the engine (each partition's messages in offset order). Resolves once the engine
   * has taken them; it waits while the in-flight byte budget is full, so a source must await it before
   * reading more: that is the backpressure.
   */
  deliver(messages: readonly SourceMessage[], options?: DeliverOptions): Promise<void>;
  /**
   * For rebalances: resolves once every taken record of these partitions is written (or dead-lettered)
   * and its offset committed. A source calls it before releasing revoked partitions.
   */
  drainPartitions(partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<void>;
  /** Aborted when the run is shutting down. */
  readonly signal: AbortSignal;
}

export interface DeliverOptions {
  /**
   * The source has nothing more buffered right now: the engine writes what it holds without waiting for
   * the batches' `linger`, so that a quiet topic's records reach the sinks in milliseconds. A source that
   * cannot tell leaves it out (batches then wait for their limits or `linger`).
   */
  readonly caughtUp?: boolean;
}

export interface Source {
  /** Reads and delivers until the input ends (bounded sources) or `stop()` is called. */
  run(ctx: SourceContext): Promise<void>;
  /**
   * Persists progress: for each partition, `offset` is the next offset to read. The engine only passes
   * offsets below which every record was durably written by every required sink or dead-lettered.
   */
  commit(positions: readonly SourcePosition[]): Promise<void>;
  /** Stops reading; `run` resolves soon after. */
  stop(): Promise<void>;
  /** Releases everything (after the final commit). */
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds plugins of every option shape
export interface SourcePlugin<Options extends z.ZodObject = z.ZodObject<any>> {
  readonly type: string;
  readonly description: string;
  readonly options: Options;
  /** The cross-field rules of the options (none when absent); `create` may assume they hold. */
  check?(options: z.output<Options>): readonly OptionsProblem[];
  /** The platform resource this source may name (docs/bindings.md); none when absent. */
  readonly binding?: BindingSpec;
  create(options: z.output<Options>, ctx: PluginContext): Source;
  /** Proves that the source can be read with the process's credentials (`datapipe check`), reading nothing. */
  probe?(options: z.output<Options>, ctx: PluginContext): Promise<readonly ProbeResult[]>;
}

// ---------- transforms ----------

/** A record, several (fan-out), or null/undefined to drop the record. */
export type TransformResult = PipelineRecord | readonly PipelineRecord[] | null | undefined;

export interface TransformStep {
  /** `filter`, `map` or `module <path>`: for logs and error messages. */
  readonly label: string;
  /** Throws (or rejects) for a record it cannot transform: that record is dead-lettered. */
  apply(record: PipelineRecord): TransformResult | PromiseLike<TransformResult>;
}

/** A kind of `transforms:` entry (`filter:`, `map:`, `module:`), named by its `key` field. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds kinds of different fields
export interface TransformPlugin<Fields extends z.ZodRawShape = any> {
  /** The field that names the kind in an entry. */
  readonly key: string;
  /** The entry's fields, `key` included. */
  readonly fields: Fields;
  /**
   * Builds the step once, before the first record. A bad entry throws a `TransformConfigError`
   * (src/transforms/transform.ts), reported at the entry's `key` field. `baseDir`: the pipeline file's folder.
   */
  compile(entry: z.output<z.ZodObject<Fields>>, baseDir: string): TransformStep | Promise<TransformStep>;
}

/** What a pipeline may name: assembled by the composition root (src/cli/plugins.ts), passed down. */
export interface PipelinePlugins {
  readonly sources: readonly SourcePlugin[];
  readonly sinks: readonly SinkPlugin[];
  readonly transforms: readonly TransformPlugin[];
}

export type { PipelineRecord, SourceMessage, SourcePosition };
