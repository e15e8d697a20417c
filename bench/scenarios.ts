/**
 * The catalogue: each scenario names the contenders measured side by side in one run and the ratio it
 * reports. Adding a scenario is one entry here (and, if it needs one, a contender in contenders/).
 */
import { join } from 'node:path';
import { batchSchemaOf } from '../src/config/pipeline-schema.ts';
import type { BatchDefaults } from '../src/core/plugin.ts';
import {
  OBJECT_BATCH_DEFAULTS,
  OBJECT_PARTITION_BATCHES,
  objectStoreOptions,
} from '../src/sinks/object-store/options.ts';
import { datapipeContender } from './contenders/datapipe.ts';
import { kafkaConnectFile } from './contenders/kafka-connect.ts';
import { scaleOut } from './contenders/scale-out.ts';
import { workerContender } from './contenders/worker.ts';
import type { Contender } from './lib/contender.ts';
import type { LatencyResult, ThroughputResult } from './lib/measure.ts';
import type { Endpoints } from './lib/services.ts';
import {
  AZURE_CONTAINER,
  dropAzureBench,
  dropBenchTables,
  dropGcsBench,
  dropMongoBench,
  dropOutputTopics,
  ensureBucket,
  ensureContainer,
  ensureGcsBucket,
  GCS_BUCKET,
  HttpReceiver,
  S3_BUCKET,
} from './lib/sink-setup.ts';
import { ratio } from './lib/stats.ts';

export interface ScenarioResults {
  readonly throughput: Record<string, ThroughputResult>;
  readonly latency: Record<string, LatencyResult>;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Services besides Kafka that must answer. */
  readonly services: readonly string[];
  contenders(env: Endpoints): Contender[];
  /** Whether the fixed-rate latency run applies (not for scale-out). */
  readonly latency: boolean;
  ratios(r: ScenarioResults): Record<string, number>;
  /** Caps for a target much slower than Kafka, so a run stays bounded in time. */
  readonly maxRecords?: number;
  /** Multiplies --records: scale-out needs a backlog that outlasts the start-up rebalance. */
  readonly recordsFactor?: number;
  readonly maxRate?: number;
  /** Prepares the target (bucket, ...) before the first run. */
  setup?(env: Endpoints): Promise<void>;
  /** Removes what the runs wrote. */
  cleanup?(env: Endpoints, runId: string): Promise<void>;
  /** The sink entry of its datapipe contender, for `--scenario profile --profile-sink <id>`. */
  readonly sink?: (env: Endpoints, group: string) => Record<string, unknown>;
}

/** A table / collection name from a run's consumer group. */
const ident = (group: string) => group.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * The raw writers batch like the sinks they stand for, read from the sink's `batch` schema (the shared
 * defaults, or the sink's own: the object stores' is larger, decision 0080), and the object writers, like
 * the object-store sink, fill one batch per partition and write up to four partitions' at once (decision
 * 0096): the same objects / requests / commits on both sides.
 */
const batchArgs = (defaults?: BatchDefaults, partitionBatches = 0) => [
  '--batch-records',
  String(batchSchemaOf(defaults).parse({}).maxRecords),
  '--partition-batches',
  String(partitionBatches),
];
const OBJECT_BATCH_ARGS = batchArgs(OBJECT_BATCH_DEFAULTS, OBJECT_PARTITION_BATCHES);
/** The iceberg sink: the object stores' batch sizes, but one batch (one catalog commit) at a time. */
const ICEBERG_BATCH_ARGS = batchArgs(OBJECT_BATCH_DEFAULTS);
const SHARED_BATCH_ARGS = batchArgs();

/** datapipe → sink vs the raw driver (fed by the bare Kafka client) doing the same writes. */
function sinkVsRaw(
  id: string,
  what: string,
  sink: (env: Endpoints, group: string) => Record<string, unknown>,
  worker: string,
  workerArgs: (env: Endpoints, group: string) => string[],
  hooks: Pick<Scenario, 'setup' | 'cleanup' | 'maxRecords' | 'maxRate'> & { services?: string[] },
): Scenario {
  return {
    id,
    title: `${what}: datapipe → ${id} sink vs the raw driver doing the same writes`,
    services: [id],
    latency: true,
    sink,
    contenders: (env) => [
      datapipeContender(`datapipe-${id}`, `datapipe run → ${id} sink`, {
        sink: (input) => sink(env, input.group),
      }),
      workerContender(`raw-${id}`, `@platformatic/kafka + raw ${what} driver`, worker, (input) =>
        workerArgs(env, input.group),
      ),
    ],
    ratios: (r) => ({
      [`${id}_vs_raw`]: versus(r, `datapipe-${id}`, `raw-${id}`, 'recordsPerSec'),
      // the same per CPU second: steadier than wall time on a shared machine
      [`${id}_vs_raw_per_cpu`]: versus(r, `datapipe-${id}`, `raw-${id}`, 'recordsPerCpuSec'),
    }),
    ...hooks,
  };
}

/** Contender `a`'s median of `field` over contender `b`'s. */
const versus = (
  r: ScenarioResults,
  a: string,
  b: string,
  field: 'recordsPerSec' | 'recordsPerCpuSec' | 'peakRssMiB',
) => ratio(r.throughput[a]?.[field].median, r.throughput[b]?.[field].median);

export const kafkaClient = () =>
  workerContender('kafka-client', '@platformatic/kafka consumer alone, discarding', 'kafka-client.ts');

export const datapipeNull = () =>
  datapipeContender('datapipe-null', 'datapipe run → null sink', { sink: () => ({ type: 'null' }) });

/**
 * The object-store anchor: the Confluent S3 connector cannot be installed here, so an S3 scenario also
 * runs Kafka Connect's FileStreamSink on the same topic (what a Connect deployment costs per record).
 */
function withConnectAnchor(s: Scenario): Scenario {
  const id = s.id;
  return {
    ...s,
    title: `${s.title}; Kafka Connect FileStreamSink as the anchor`,
    contenders: (env) => [...s.contenders(env), kafkaConnectFile()],
    ratios: (r) => ({
      ...s.ratios(r),
      [`${id}_vs_kafka_connect`]: versus(r, `datapipe-${id}`, 'kafka-connect-file', 'recordsPerCpuSec'),
      [`${id}_vs_kafka_connect_wall`]: versus(r, `datapipe-${id}`, 'kafka-connect-file', 'recordsPerSec'),
    }),
  };
}

/** A contender's p50 latency (ms) at the fixed rate; NaN when not measured. */
function p50(r: ScenarioResults, contender: string): number {
  return r.latency[contender]?.p50 ?? Number.NaN;
}

export const scenarios: readonly Scenario[] = [
  {
    id: 'null',
    title: 'Pipeline overhead: datapipe → null sink vs the Kafka client alone',
    services: [],
    latency: true,
    contenders: () => [kafkaClient(), datapipeNull()],
    ratios: (r) => ({
      null_vs_raw: versus(r, 'datapipe-null', 'kafka-client', 'recordsPerSec'),
      // per core: the figure a loaded machine distorts least (wall time suffers more under contention)
      null_vs_raw_per_cpu: versus(r, 'datapipe-null', 'kafka-client', 'recordsPerCpuSec'),
      null_p50_ms: p50(r, 'datapipe-null'),
    }),
  },
  {
    id: 'file',
    title: 'Files: datapipe → fs object store (JSONL, Parquet) vs Kafka Connect FileStreamSink',
    services: [],
    latency: true,
    contenders: () => [
      datapipeContender('datapipe-file-jsonl', 'datapipe run → object-store fs, JSONL', {
        sink: (input) => ({
          type: 'object-store',
          driver: 'fs',
          path: join(input.dir, 'out'),
          format: 'jsonl',
        }),
      }),
      datapipeContender('datapipe-file-parquet', 'datapipe run → object-store fs, Parquet', {
        sink: (input) => ({
          type: 'object-store',
          driver: 'fs',
          path: join(input.dir, 'out'),
          format: 'parquet',
        }),
      }),
      kafkaConnectFile(),
    ],
    ratios: (r) => ({
      file_vs_kafka_connect: versus(r, 'datapipe-file-jsonl', 'kafka-connect-file', 'recordsPerCpuSec'),
      file_vs_kafka_connect_wall: versus(r, 'datapipe-file-jsonl', 'kafka-connect-file', 'recordsPerSec'),
      rss_vs_kafka_connect: versus(r, 'datapipe-file-jsonl', 'kafka-connect-file', 'peakRssMiB'),
      file_p50_ms: p50(r, 'datapipe-file-jsonl'),
    }),
  },
  sinkVsRaw(
    'postgres',
    'PostgreSQL',
    (env, group) => ({
      type: 'postgres',
      connectionString: env.postgresUrl,
      table: ident(group),
      createTable: true,
    }),
    'raw-postgres.ts',
    (env, group) => ['--url', env.postgresUrl, '--table', ident(group)],
    { cleanup: (env, runId) => dropBenchTables(env.postgresUrl, runId) },
  ),
  sinkVsRaw(
    'mongodb',
    'MongoDB',
    // insert, not the default replace: FerretDB's upserts slow down as the collection grows (a 10k-record
    // run does not finish), which would measure the server, not the sink; both sides insert
    (env, group) => ({
      type: 'mongodb',
      uri: env.mongodbUrl,
      database: 'bench',
      collection: ident(group),
      writeModel: 'insert',
    }),
    'raw-mongodb.ts',
    (env, group) => ['--url', env.mongodbUrl, '--collection', ident(group)],
    // FerretDB (the MongoDB-wire server of the test services) is far slower than Kafka
    { cleanup: (env, runId) => dropMongoBench(env.mongodbUrl, runId), maxRecords: 50_000, maxRate: 1000 },
  ),
  withConnectAnchor(
    sinkVsRaw(
      's3',
      'S3',
      (env, group) => ({
        type: 'object-store',
        driver: 's3',
        format: 'jsonl',
        bucket: S3_BUCKET,
        prefix: `${group}/`,
        endpoint: env.s3.endpoint,
        forcePathStyle: true,
        accessKeyId: '${DATAPIPE_BENCH_S3_ACCESS_KEY}',
        secretAccessKey: '${DATAPIPE_BENCH_S3_SECRET_KEY}',
      }),
      'raw-s3.ts',
      (env) => [
        '--endpoint',
        env.s3.endpoint,
        '--bucket',
        S3_BUCKET,
        '--access-key',
        env.s3.accessKeyId,
        '--secret-key',
        env.s3.secretAccessKey,
        ...OBJECT_BATCH_ARGS,
      ],
      { setup: (env) => ensureBucket(env) },
    ),
  ),
  sinkVsRaw(
    'azure',
    'Azure Blob',
    (_env, group) => ({
      type: 'object-store',
      driver: 'azure-blob',
      format: 'jsonl',
      container: AZURE_CONTAINER,
      prefix: `${group}/`,
      connectionString: '${DATAPIPE_BENCH_AZURE_CONNECTION_STRING}',
    }),
    'raw-azure.ts',
    (env, group) => [
      '--connection-string',
      env.azure.connectionString,
      '--container',
      AZURE_CONTAINER,
      '--prefix',
      `${group}/`,
      '--part-size',
      String(objectStoreOptions.parse({ driver: 'azure-blob' }).partSize),
      ...OBJECT_BATCH_ARGS,
    ],
    {
      services: ['azurite'],
      setup: (env) => ensureContainer(env),
      cleanup: (env, runId) => dropAzureBench(env, runId),
    },
  ),
  sinkVsRaw(
    'gcs',
    'GCS',
    (env, group) => ({
      type: 'object-store',
      driver: 'gcs',
      format: 'jsonl',
      bucket: GCS_BUCKET,
      prefix: `${group}/`,
      endpoint: env.gcs.endpoint,
      auth: 'none',
    }),
    'raw-gcs.ts',
    (env, group) => [
      '--endpoint',
      env.gcs.endpoint,
      '--bucket',
      GCS_BUCKET,
      '--prefix',
      `${group}/`,
      ...OBJECT_BATCH_ARGS,
    ],
    {
      services: ['gcs'],
      setup: (env) => ensureGcsBucket(env),
      cleanup: (env, runId) => dropGcsBench(env, runId),
    },
  ),
  httpScenario(),
  kafkaScenario(),
  {
    id: 'iceberg',
    title: 'Iceberg: datapipe → iceberg sink vs the object-store Parquet sink (S3) and the raw writer',
    services: ['s3', 'iceberg'],
    latency: false,
    // every batch is a catalog commit (load, write files, commit): far slower than Kafka
    maxRecords: 100_000,
    setup: (env) => ensureBucket(env),
    contenders: (env) => {
      const store = {
        endpoint: env.s3.endpoint,
        forcePathStyle: true,
        accessKeyId: '${DATAPIPE_BENCH_S3_ACCESS_KEY}',
        secretAccessKey: '${DATAPIPE_BENCH_S3_SECRET_KEY}',
      };
      return [
        datapipeContender('datapipe-iceberg', 'datapipe run → iceberg sink (REST catalog, S3)', {
          sink: (input) => ({
            type: 'iceberg',
            catalogUri: env.icebergUri,
            namespace: 'bench',
            table: ident(input.group),
            create: true,
            s3: store,
          }),
        }),
        datapipeContender('datapipe-s3-parquet', 'datapipe run → object-store s3, Parquet', {
          sink: (input) => ({
            type: 'object-store',
            driver: 's3',
            format: 'parquet',
            bucket: S3_BUCKET,
            prefix: `${input.group}/`,
            ...store,
          }),
        }),
        workerContender(
          'raw-iceberg',
          '@platformatic/kafka + the iceberg writer, no engine',
          'raw-iceberg.ts',
          (input) => [
            '--catalog',
            env.icebergUri,
            '--namespace',
            'bench',
            '--table',
            `${ident(input.group)}_raw`,
            '--endpoint',
            env.s3.endpoint,
            '--access-key',
            env.s3.accessKeyId,
            '--secret-key',
            env.s3.secretAccessKey,
            ...ICEBERG_BATCH_ARGS,
          ],
        ),
      ];
    },
    ratios: (r) => ({
      iceberg_vs_raw: versus(r, 'datapipe-iceberg', 'raw-iceberg', 'recordsPerSec'),
      iceberg_vs_raw_per_cpu: versus(r, 'datapipe-iceberg', 'raw-iceberg', 'recordsPerCpuSec'),
      iceberg_vs_s3_parquet: versus(r, 'datapipe-iceberg', 'datapipe-s3-parquet', 'recordsPerSec'),
      iceberg_rss_vs_s3_parquet: versus(r, 'datapipe-iceberg', 'datapipe-s3-parquet', 'peakRssMiB'),
    }),
  },
  {
    id: 'scale',
    title: 'Scale-out: two datapipe processes in one consumer group vs one',
    services: [],
    latency: false,
    recordsFactor: 3,
    contenders: () => [
      scaleOut('datapipe-null-x1', { sink: () => ({ type: 'null' }) }, 1),
      scaleOut('datapipe-null-x2', { sink: () => ({ type: 'null' }) }, 2),
    ],
    ratios: (r) => ({
      two_vs_one_process: versus(r, 'datapipe-null-x2', 'datapipe-null-x1', 'recordsPerSec'),
    }),
  },
];

/**
 * HTTP: both sides POST NDJSON batches to a receiver in its own process (bench/http-receiver.ts), which
 * reads each body and answers 200: neither contender pays for it, and it does no work that could be the
 * bottleneck.
 */
function httpScenario(): Scenario {
  const receiver = new HttpReceiver();
  return sinkVsRaw(
    'http',
    'HTTP',
    () => ({ type: 'http', url: receiver.url, format: 'ndjson' }),
    'raw-http.ts',
    () => ['--url', receiver.url, ...SHARED_BATCH_ARGS],
    { services: [], setup: () => receiver.start(), cleanup: () => receiver.stop() },
  );
}

/** Kafka → Kafka: each run produces to its own fresh output topic (`<group>-out`) on the same broker. */
function kafkaScenario(): Scenario {
  const outputs = new Set<string>();
  const output = (group: string) => {
    const topic = `${group}-out`;
    outputs.add(topic);
    return topic;
  };
  return sinkVsRaw(
    'kafka',
    'Kafka',
    (env, group) => ({ type: 'kafka', brokers: env.kafkaBrokers, topic: output(group), createTopic: {} }),
    'raw-kafka.ts',
    (_env, group) => ['--output-topic', output(group), ...SHARED_BATCH_ARGS],
    {
      services: [],
      cleanup: async (env) => {
        await dropOutputTopics({ brokers: env.kafkaBrokers }, outputs);
        outputs.clear();
      },
    },
  );
}

export function findScenario(id: string): Scenario | undefined {
  return scenarios.find((s) => s.id === id);
}
