/** The options of the `postgres` sink: the single source of its validation, types and docs. */
import { z } from 'zod';
import { duration } from '../../config/units.ts';
import { compileRecordPath } from '../shared/record-path.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function isRecordPath(path: string): boolean {
  try {
    compileRecordPath(path);
    return true;
  } catch {
    return false;
  }
}

const recordPath = z.string().refine(isRecordPath, {
  message:
    'must be a field path, $key, $value, $timestamp, $position, $position.topic|partition|offset|index or $headers.<name>',
});

const columnSpec = z.union([
  recordPath,
  z.strictObject({
    from: recordPath.meta({ description: 'Where the column value comes from.' }),
    type: z.string().min(1).optional().meta({
      description: 'SQL type when `createTable` creates the table (default: inferred from `from`).',
    }),
  }),
]);

/**
 * The columns when `columns` is not set: the record's position, its fan-out index, key, value and time
 * (docs/decisions/0018-postgres-fan-out-default.md). `index` is part of the default key, so the records a
 * transform fans out each get a row.
 */
export const DEFAULT_COLUMNS = {
  topic: '$position.topic',
  partition: '$position.partition',
  offset: '$position.offset',
  index: '$position.index',
  key: '$key',
  value: '$value',
  timestamp: '$timestamp',
} as const satisfies Record<string, string>;

/** The column of DEFAULT_COLUMNS that tables created by earlier versions lack. */
export const DEFAULT_INDEX_COLUMN = 'index';

export const postgresOptions = z.object({
  connectionString: z
    .string()
    .min(1)
    .meta({
      description: `libpq connection URI; put the password in a reference: postgres://app:\${PG_PASSWORD}@host:5432/db`,
      examples: [`\${DATABASE_URL}`],
    }),
  table: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'must be `table` or `schema.table`')
    .meta({ description: 'Target table, optionally schema-qualified.' }),
  columns: z
    .record(z.string().regex(IDENTIFIER, 'must be a plain SQL identifier'), columnSpec)
    .optional()
    .meta({
      description:
        "Column name → where its value comes from: a field path of the value (`customer.id`), $key, $value (the whole value, for a json/jsonb column), $timestamp, $position.topic|partition|offset, $position.index (the index of a record within a transform's fan-out, 0 otherwise), $headers.<name>; or {from, type}. Default: topic, partition, offset, index ($position.index), key, value, timestamp; a table created by an earlier version without the index column keeps working, but refuses fanned-out copies (DP_POSTGRES_FANOUT_KEY, with the ALTER TABLE that adds the column).",
    }),
  keyColumns: z.array(z.string().regex(IDENTIFIER)).min(1).optional().meta({
    description:
      'The columns of the primary key / unique index that identifies a record (ON CONFLICT target). Default: the columns mapped to $position.topic, $position.partition and $position.offset (and $position.index when mapped: needed to store every record a transform fans out).',
  }),
  onConflict: z.enum(['upsert', 'ignore']).default('upsert').meta({
    description:
      'upsert: a record whose key exists replaces the row (last wins); ignore: the existing row is kept.',
  }),
  createTable: z.boolean().default(false).meta({
    description: 'Create the table (with its primary key) when it does not exist.',
  }),
  poolSize: z.number().int().positive().default(2).meta({ description: 'Connections in the pool.' }),
  timeout: duration()
    .default(30_000)
    .meta({ description: 'Connect and statement timeout: past it the batch is retried.' }),
});

export type PostgresOptions = z.output<typeof postgresOptions>;
