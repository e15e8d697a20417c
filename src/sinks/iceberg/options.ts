/**
 * Options of the `iceberg` sink: the REST catalog, the table, and the object store holding the table's
 * files. Secrets (token, keys) only as `${ENV}` / `${file:...}` references. A pipeline may name the
 * catalog instead (`catalog: <name>`): a binding of type `iceberg-catalog` then supplies the fields of
 * ICEBERG_CATALOG_BINDING_FIELDS (docs/bindings.md, docs/decisions/0070-iceberg-catalog-binding.md).
 */
import { z } from 'zod';
import type { OptionsProblem } from '../../core/plugin.ts';
import { CATALOG_AUTH_MODES } from './catalog-auth.ts';
import { partitionTransforms } from './partitioning.ts';
import { icebergTypes } from './schema.ts';

export const icebergOptions = z.object({
  catalogUri: z.string().meta({
    description:
      'Base URI of the Iceberg REST catalog (the part before `/v1/`), e.g. http://127.0.0.1:18181.',
  }),
  warehouse: z.string().optional().meta({
    description:
      'The warehouse to ask the catalog for (`GET /v1/config?warehouse=`); catalogs that serve one need none.',
  }),
  auth: z.enum(CATALOG_AUTH_MODES).optional().meta({
    description:
      "How the sink authenticates to the catalog: none; bearer (`token`); sigv4 (AWS Signature V4 with the AWS default credential chain: IRSA, EKS Pod Identity; AWS Glue's Iceberg REST endpoint); google (an OAuth token from Application Default Credentials: GKE Workload Identity; BigLake). Default: bearer with `token`, else none.",
  }),
  token: z.string().optional().meta({
    description: 'A bearer token for the catalog, as a secret reference.',
  }),
  signingRegion: z.string().optional().meta({
    description: 'sigv4: the region of the signature; defaults to AWS_REGION.',
  }),
  signingName: z
    .string()
    .default('glue')
    .meta({ description: 'sigv4: the service name of the signature (`glue` for AWS Glue).' }),
  headers: z.record(z.string(), z.string()).default({}).meta({
    description:
      'Fixed headers of every catalog request, never a secret (BigLake: `x-goog-user-project: <project>`).',
  }),
  location: z.string().optional().meta({
    description:
      'For `create`: where new tables go, `<location>/<namespace>/<table>` (e.g. s3://bucket/tables); else the catalog chooses.',
  }),
  namespace: z
    .string()
    .min(1)
    .meta({ description: 'The namespace; levels separated by dots (`lake.shop`).' }),
  table: z.string().min(1).meta({ description: 'The table name.' }),
  create: z.boolean().default(false).meta({
    description:
      'Create the namespace and the table when missing: with `schema` if given, else with columns inferred from the first batch.',
  }),
  schema: z.record(z.string(), z.enum(icebergTypes)).optional().meta({
    description:
      'For `create`: column name → Iceberg type. New fields of later records are added as optional columns either way.',
  }),
  partition: z
    .array(
      z.object({
        column: z.string().meta({
          description: 'The source column; `_timestamp` (with `fields: record`) is the record time.',
        }),
        transform: z.enum(partitionTransforms).default('identity'),
      }),
    )
    .default([])
    .meta({
      description: 'For `create`: the partition spec, e.g. `[{column: _timestamp, transform: day}]`.',
    }),
  fields: z.enum(['value', 'record']).default('record').meta({
    description:
      'value: the record value only; record: also `_topic`, `_partition`, `_offset`, `_timestamp` and `_key` columns.',
  }),
  maxCommitAttempts: z.number().int().min(1).default(20).meta({
    description:
      'Commit attempts per batch when other writers commit at the same time (HTTP 409), before the batch is retried as a whole.',
  }),
  s3: z
    .object({
      endpoint: z.string().optional().meta({ description: 'The endpoint of an S3-compatible server.' }),
      region: z.string().optional().meta({ description: 'Defaults to AWS_REGION, else us-east-1.' }),
      forcePathStyle: z.boolean().default(false).meta({ description: 'Address the bucket in the path.' }),
      accessKeyId: z.string().optional().meta({
        description: 'Access key id (a secret reference); else the default AWS credential chain.',
      }),
      secretAccessKey: z.string().optional().meta({ description: 'Secret access key (a secret reference).' }),
      sessionToken: z.string().optional().meta({ description: 'Session token (a secret reference).' }),
      caBundle: z.string().optional().meta({
        description:
          'A PEM file of the CA(s) that signed the endpoint certificate (relative to the pipeline file), for a store behind a private CA.',
      }),
    })
    .default({ forcePathStyle: false })
    .meta({
      description: "The S3 store of the table's files, for s3:// table locations.",
    }),
  gcs: z
    .object({
      endpoint: z.string().optional().meta({ description: 'The endpoint of a GCS-API server.' }),
      auth: z.enum(['auto', 'workload', 'none']).default('auto').meta({
        description:
          'auto or workload: Application Default Credentials (GKE Workload Identity); none: no credentials (an emulator at `endpoint`).',
      }),
    })
    .default({ auth: 'auto' })
    .meta({ description: "Google Cloud Storage, for gs:// table locations (BigLake's warehouses)." }),
});

export type IcebergOptions = z.output<typeof icebergOptions>;

/**
 * What a binding of `catalog: <name>` supplies (docs/bindings.md): the catalog, how to authenticate to
 * it, where new tables go and the store of their files. The pipeline keeps the table and what to write.
 */
export const ICEBERG_CATALOG_BINDING_FIELDS = [
  'catalogUri',
  'warehouse',
  'auth',
  'token',
  'signingRegion',
  'signingName',
  'headers',
  'location',
  's3',
  'gcs',
] as const;

/** The catalog authentication `auth` means, with its default. */
export function catalogAuthMode(opts: IcebergOptions): (typeof CATALOG_AUTH_MODES)[number] {
  return opts.auth ?? (opts.token ? 'bearer' : 'none');
}

/** Columns the sink adds with `fields: record`. */
export const RECORD_COLUMN_NAMES = ['_topic', '_partition', '_offset', '_timestamp', '_key'] as const;

/** The rules across fields (run by `datapipe validate` and `run` at load), each naming the field to fix. */
export function icebergProblems(opts: IcebergOptions): OptionsProblem[] {
  const problems: OptionsProblem[] = [];
  const auth = catalogAuthMode(opts);
  if (auth === 'bearer' && !opts.token) {
    problems.push({ path: ['token'], reason: '`token` is required with `auth: bearer`' });
  }
  if (auth !== 'bearer' && opts.token) {
    problems.push({ path: ['token'], reason: `\`token\` is for \`auth: bearer\`, not \`auth: ${auth}\`` });
  }
  if (opts.gcs.auth === 'none' && !opts.gcs.endpoint) {
    problems.push({ path: ['gcs', 'endpoint'], reason: '`endpoint` is required with `auth: none`' });
  }
  for (const name of Object.keys(opts.headers)) {
    if (/^(authorization|host|content-type|x-amz-.*)$/i.test(name)) {
      problems.push({
        path: ['headers', name],
        reason: 'is set by the sink itself (credentials go through `auth`, never a fixed header)',
      });
    }
  }
  if (opts.s3.accessKeyId && !opts.s3.secretAccessKey) {
    problems.push({
      path: ['s3', 'secretAccessKey'],
      reason: '`secretAccessKey` is required with accessKeyId',
    });
  }
  opts.partition.forEach((p, i) => {
    const recordColumn = (RECORD_COLUMN_NAMES as readonly string[]).includes(p.column);
    if (recordColumn && opts.fields !== 'record') {
      problems.push({
        path: ['partition', i, 'column'],
        reason: `\`${p.column}\` is a column only with \`fields: record\``,
      });
    } else if (!recordColumn && opts.schema && !(p.column in opts.schema)) {
      problems.push({
        path: ['partition', i, 'column'],
        reason: `\`${p.column}\` is not a column of \`schema\``,
      });
    }
  });
  return problems;
}
