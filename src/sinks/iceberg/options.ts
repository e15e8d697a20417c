/**
 * Options of the `iceberg` sink: the REST catalog, the table, and the object store holding the table's
 * files. Secrets (token, keys) only as `${ENV}` / `${file:...}` references. When portable bindings land,
 * `catalogUri`/`warehouse`/`token` and `s3` become bindings of the platform (see docs/decisions/0044).
 */
import { z } from 'zod';
import type { OptionsProblem } from '../../core/plugin.ts';
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
  token: z.string().optional().meta({
    description: 'A bearer token for the catalog, as a secret reference.',
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
    })
    .default({ forcePathStyle: false })
    .meta({
      description: "The S3 store of the table's data and metadata files (the table location is s3://...).",
    }),
});

export type IcebergOptions = z.output<typeof icebergOptions>;

/** Columns the sink adds with `fields: record`. */
export const RECORD_COLUMN_NAMES = ['_topic', '_partition', '_offset', '_timestamp', '_key'] as const;

/** The rules across fields (run by `datapipe validate` and `run` at load), each naming the field to fix. */
export function icebergProblems(opts: IcebergOptions): OptionsProblem[] {
  const problems: OptionsProblem[] = [];
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
