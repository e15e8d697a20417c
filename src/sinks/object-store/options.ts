/**
 * Options of the `object-store` sink: one flat object (the config merges it into the sink entry), with the
 * driver-specific fields checked by `checkDriverOptions` when the sink is created.
 */
import { z } from 'zod';
import { FatalError } from '../../core/errors.ts';
import type { BatchDefaults, OptionsProblem } from '../../core/plugin.ts';
import { prefixProblem } from './object-name.ts';

/**
 * Objects of different partitions written at once: each waits mostly on the store (an fsync, a request),
 * and different partitions are different folders, whose watermarks are independent (decision 0096).
 */
export const OBJECT_PARTITION_BATCHES = 4;

/**
 * The batch defaults of sinks that write one object (or Parquet file) per partition per batch: 4× the
 * shared ones, so 4× fewer objects (PUT requests, fsyncs, catalog commits) at full speed, for ~26 % more
 * records per CPU second on the fs driver (decision 0080). Quiet topics still flush small batches at once
 * (`flushWhenCaughtUp`); the byte limit still bounds a batch's memory.
 */
export const OBJECT_BATCH_DEFAULTS: BatchDefaults = {
  maxRecords: 2000,
  maxBytes: 4 * 1024 * 1024,
  reason:
    'each batch holds one partition (up to four partitions are written at once, decision 0096) and becomes one object per folder: larger batches make fewer, larger objects (fewer PUT requests and fsyncs; decision 0080).',
};

export const parquetTypes = [
  'STRING',
  'INT32',
  'INT64',
  'DOUBLE',
  'FLOAT',
  'BOOLEAN',
  'JSON',
  'TIMESTAMP',
] as const;

export const objectStoreOptions = z.object({
  driver: z.enum(['fs', 's3', 'azure-blob', 'gcs']).meta({
    description:
      'Where objects go: fs (a local folder), s3 (AWS S3 or an S3-compatible server), azure-blob, gcs (Google Cloud Storage).',
  }),
  auth: z.enum(['auto', 'workload', 'none']).default('auto').meta({
    description:
      "How s3, azure-blob and gcs authenticate: auto (the keys, connection string or SAS given here, else the workload's own identity), workload (only the workload identity: AWS default chain with IRSA / EKS Pod Identity, Azure Workload Identity / DefaultAzureCredential, GCP Application Default Credentials; static keys are an error), none (gcs only: no credentials, for a GCS-API emulator at `endpoint`). See docs/decisions/0047-object-store-identity.md.",
  }),
  prefix: z.string().default('').meta({
    description:
      'Prepended to every object name; may hold parts taken from each record: {yyyy} {MM} {dd} {HH} {mm} (UTC, from the record timestamp), {topic}, {partition}, {key}, {value.some.field}. Example: `orders/dt={yyyy}-{MM}-{dd}/`.',
  }),
  format: z.enum(['jsonl', 'parquet']).default('jsonl').meta({ description: 'The object format.' }),
  compression: z
    .enum(['none', 'gzip', 'zstd'])
    .default('none')
    .meta({ description: 'jsonl only: compress each object (.jsonl.gz, .jsonl.zst).' }),
  fields: z.enum(['value', 'record']).default('value').meta({
    description:
      'value: store the record value; record: also its topic, partition, offset, timestamp, key (and headers in jsonl).',
  }),
  schema: z.record(z.string(), z.enum(parquetTypes)).optional().meta({
    description:
      'parquet only: column name → type. Without it, columns and types are inferred from the values of each batch.',
  }),

  path: z.string().optional().meta({ description: 'fs: the folder, relative to the pipeline file.' }),

  bucket: z.string().optional().meta({ description: 's3 and gcs: the bucket.' }),
  region: z
    .string()
    .optional()
    .meta({ description: 's3: the region; defaults to AWS_REGION, else us-east-1.' }),
  endpoint: z.string().optional().meta({
    description:
      's3: the endpoint of an S3-compatible server (MinIO, Ceph RGW, ...); gcs: the endpoint of a GCS-API server.',
  }),
  forcePathStyle: z
    .boolean()
    .default(false)
    .meta({ description: 's3: address the bucket in the path (most S3-compatible servers need it).' }),
  accessKeyId: z.string().optional().meta({
    description:
      's3: access key id, as an environment or file secret reference; else the default AWS credential chain.',
  }),
  secretAccessKey: z.string().optional().meta({ description: 's3: secret access key (a secret reference).' }),
  sessionToken: z.string().optional().meta({ description: 's3: session token (a secret reference).' }),
  caBundle: z.string().optional().meta({
    description:
      's3: a PEM file of the CA(s) that signed the endpoint certificate (relative to the pipeline file), for S3-compatible stores behind a private CA (replaces the system CAs for this sink).',
  }),
  sse: z
    .enum(['AES256', 'aws:kms'])
    .optional()
    .meta({ description: 's3: server-side encryption of every object.' }),
  kmsKeyId: z.string().optional().meta({ description: 's3: the KMS key for `sse: aws:kms`.' }),
  partSize: z
    .number()
    .int()
    .min(5 * 1024 * 1024)
    .default(8 * 1024 * 1024)
    .meta({ description: 's3, azure-blob and gcs: objects larger than this are uploaded in parts.' }),

  container: z.string().optional().meta({ description: 'azure-blob: the container.' }),
  connectionString: z
    .string()
    .optional()
    .meta({ description: 'azure-blob: a connection string (a secret reference).' }),
  accountUrl: z
    .string()
    .optional()
    .meta({ description: 'azure-blob: the account URL, e.g. https://myaccount.blob.core.windows.net.' }),
  accountName: z
    .string()
    .optional()
    .meta({ description: 'azure-blob: the account name, when it cannot be read from the account URL.' }),
  accountKey: z
    .string()
    .optional()
    .meta({ description: 'azure-blob: the account key (a secret reference).' }),
  sasToken: z.string().optional().meta({ description: 'azure-blob: a SAS token (a secret reference).' }),
});

export type ObjectStoreOptions = z.output<typeof objectStoreOptions>;

/** What a binding of `store: <name>` supplies (docs/bindings.md): the store and how to reach it. */
export const OBJECT_STORE_BINDING_FIELDS = [
  'driver',
  'auth',
  'bucket',
  'container',
  'path',
  'endpoint',
  'region',
  'forcePathStyle',
  'caBundle',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'accountUrl',
  'accountName',
  'accountKey',
  'sasToken',
  'connectionString',
  'sse',
  'kmsKeyId',
] as const;

/** Fields that hold static credentials: never needed where the workload has its own identity. */
const STATIC_CREDENTIALS = [
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'connectionString',
  'accountKey',
  'sasToken',
] as const;

/**
 * The rules across fields a flat schema cannot express, each naming the field to fix: the sink's
 * `check` (run by `datapipe validate` and `run` at load) and `checkDriverOptions` (at create).
 */
export function objectStoreProblems(opts: ObjectStoreOptions): OptionsProblem[] {
  const problems: OptionsProblem[] = [];
  const missing = (field: string, why: string, path = field) =>
    problems.push({ path: [path], reason: `\`${field}\` is required ${why}` });
  const rejected = (field: string, why: string) => problems.push({ path: [field], reason: why });
  if (opts.driver === 'fs' && !opts.path) missing('path', 'with driver fs');
  if (opts.driver === 's3') {
    if (!opts.bucket) missing('bucket', 'with driver s3');
    if (opts.accessKeyId && !opts.secretAccessKey) missing('secretAccessKey', 'with accessKeyId');
    if (opts.kmsKeyId && opts.sse !== 'aws:kms') missing('sse: aws:kms', 'with kmsKeyId', 'sse');
  }
  if (opts.driver === 'gcs') {
    if (!opts.bucket) missing('bucket', 'with driver gcs');
    if (opts.auth === 'none' && !opts.endpoint) missing('endpoint', 'with auth none');
  } else if (opts.auth === 'none') {
    rejected('auth', '`auth: none` is for a gcs emulator only');
  }
  if (opts.auth === 'workload') {
    for (const field of STATIC_CREDENTIALS) {
      if (opts[field]) rejected(field, 'static credentials are not allowed with `auth: workload`');
    }
  }
  if (opts.driver === 'azure-blob') {
    if (!opts.container) missing('container', 'with driver azure-blob');
    if (!opts.connectionString && !opts.accountUrl)
      missing('connectionString or accountUrl', 'with driver azure-blob', 'connectionString');
  }
  if (opts.compression !== 'none' && opts.format !== 'jsonl')
    missing('format: jsonl', 'for compression', 'format');
  if (opts.schema && opts.format !== 'parquet') missing('format: parquet', 'for schema', 'format');
  const prefix = prefixProblem(opts.prefix);
  if (prefix !== undefined) problems.push({ path: ['prefix'], reason: prefix });
  return problems;
}

/** Throws the first problem of `objectStoreProblems` as a FatalError naming the field. */
export function checkDriverOptions(opts: ObjectStoreOptions): void {
  const first = objectStoreProblems(opts)[0];
  if (first !== undefined) {
    throw new FatalError('DP_OBJECT_STORE_CONFIG', `object-store: ${first.reason}`, {
      details: { field: String(first.path[0]) },
    });
  }
}
