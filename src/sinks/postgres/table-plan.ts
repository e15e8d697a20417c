/**
 * The statements of the postgres sink, built once from the options: the target and staging table
 * names, the column mapping, the ON CONFLICT target, and the DDL of `createTable`.
 */
import { createHash } from 'node:crypto';
import { FatalError } from '../../core/errors.ts';
import type { OptionsProblem } from '../../core/plugin.ts';
import { compileRecordPath, type RecordPath, type RecordPathKind } from '../shared/record-path.ts';
import { DEFAULT_COLUMNS, DEFAULT_INDEX_COLUMN, type PostgresOptions } from './options.ts';

interface ColumnPlan {
  readonly name: string;
  readonly path: RecordPath;
  /** The SQL type for `createTable`. */
  readonly createType: string;
}

export interface TablePlan {
  /** Quoted, possibly schema-qualified, for SQL text. */
  readonly target: string;
  /** Unquoted, for to_regclass and messages. */
  readonly targetName: string;
  readonly staging: string;
  readonly columns: readonly ColumnPlan[];
  readonly keyColumns: readonly string[];
  readonly onConflict: PostgresOptions['onConflict'];
  /**
   * False when the key is only topic, partition and offset: the records a transform fans one source record
   * out to would share one row, so the sink refuses the second and later ones (docs/decisions/0016).
   */
  readonly keysFanOut: boolean;
}

/** The staging table's extra column: the record's index in the batch, for "last wins" de-duplication. */
const SEQ_COLUMN = '__dp_seq';

const INFERRED_TYPES: Record<RecordPathKind, string> = {
  key: 'text',
  value: 'jsonb',
  timestamp: 'timestamptz',
  position: 'text',
  topic: 'text',
  partition: 'integer',
  offset: 'bigint',
  index: 'integer',
  header: 'text',
  field: 'jsonb',
};

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The plan of the sink's statements. `legacyDefault`: `columns` is not set and the table was created by an
 * earlier version, whose default columns had no fan-out index column (docs/decisions/0018).
 */
export function planTable(options: PostgresOptions, sinkName: string, legacyDefault = false): TablePlan {
  const columns = columnPlans(options, legacyDefault);
  const keyColumns = keyColumnsOf(columns, options);
  if (!Array.isArray(keyColumns)) {
    throw new FatalError('DP_POSTGRES_CONFIG', `sink ${sinkName}: ${keyColumns.reason}`);
  }
  const hash = createHash('sha256').update(options.table).digest('hex').slice(0, 12);
  return {
    target: options.table.split('.').map(quoteIdent).join('.'),
    targetName: options.table,
    staging: quoteIdent(`dp_stage_${hash}`),
    columns,
    keyColumns,
    onConflict: options.onConflict,
    keysFanOut: keyColumns.some((key) => {
      const kind = columns.find((c) => c.name === key)?.path.kind;
      return kind !== 'topic' && kind !== 'partition' && kind !== 'offset';
    }),
  };
}

/** The rules across options the schema cannot express (the sink's `check`); `planTable` throws the same. */
export function postgresProblems(options: PostgresOptions): OptionsProblem[] {
  const keyColumns = keyColumnsOf(columnPlans(options, false), options);
  return Array.isArray(keyColumns) ? [] : [keyColumns];
}

function columnPlans(options: PostgresOptions, legacyDefault: boolean): ColumnPlan[] {
  const columns: NonNullable<PostgresOptions['columns']> = options.columns ?? { ...DEFAULT_COLUMNS };
  if (options.columns === undefined && legacyDefault) delete columns[DEFAULT_INDEX_COLUMN];
  return Object.entries(columns).map(([name, spec]): ColumnPlan => {
    const from = typeof spec === 'string' ? spec : spec.from;
    const path = compileRecordPath(from);
    const type = typeof spec === 'string' ? undefined : spec.type;
    return { name, path, createType: type ?? INFERRED_TYPES[path.kind] };
  });
}

/** The conflict target: the configured key columns, else the ones mapped to the record's position. */
function keyColumnsOf(columns: readonly ColumnPlan[], options: PostgresOptions): string[] | OptionsProblem {
  if (options.keyColumns !== undefined) {
    const unknown = options.keyColumns.find((key) => !columns.some((c) => c.name === key));
    return unknown === undefined
      ? options.keyColumns
      : { path: ['keyColumns'], reason: `keyColumns names "${unknown}", which is not in columns` };
  }
  const find = (kind: RecordPathKind) => columns.find((c) => c.path.kind === kind)?.name;
  const keys = [find('topic'), find('partition'), find('offset')];
  if (keys.every((k): k is string => k !== undefined)) {
    const index = find('index');
    return index === undefined ? keys : [...keys, index];
  }
  const position = find('position');
  if (position !== undefined) return [position];
  return {
    path: ['keyColumns'],
    reason:
      'set keyColumns, or map columns to $position.topic, $position.partition and $position.offset (or $position) so that a replay rewrites the same rows',
  };
}

export function createTableSql(plan: TablePlan): string {
  const cols = plan.columns.map((c) => `${quoteIdent(c.name)} ${c.createType}`);
  const pk = `PRIMARY KEY (${plan.keyColumns.map(quoteIdent).join(', ')})`;
  return `CREATE TABLE IF NOT EXISTS ${plan.target} (${[...cols, pk].join(', ')})`;
}

/** The staging table: the target's mapped columns and types, no constraints, emptied at every commit. */
export function createStagingSql(plan: TablePlan): string {
  const cols = plan.columns.map((c) => quoteIdent(c.name)).join(', ');
  return `CREATE TEMP TABLE IF NOT EXISTS ${plan.staging} ON COMMIT DELETE ROWS AS SELECT 0::integer AS ${quoteIdent(SEQ_COLUMN)}, ${cols} FROM ${plan.target} WITH NO DATA`;
}

export function copySql(plan: TablePlan): string {
  const cols = [SEQ_COLUMN, ...plan.columns.map((c) => c.name)].map(quoteIdent).join(', ');
  return `COPY ${plan.staging} (${cols}) FROM STDIN`;
}

/** Staging → target, one row per key (the last of the batch), merged by ON CONFLICT. */
export function mergeSql(plan: TablePlan): string {
  const cols = plan.columns.map((c) => quoteIdent(c.name)).join(', ');
  const keys = plan.keyColumns.map(quoteIdent).join(', ');
  const updates = plan.columns
    .filter((c) => !plan.keyColumns.includes(c.name))
    .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
  const action =
    plan.onConflict === 'ignore' || updates.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${updates.join(', ')}`;
  return (
    `INSERT INTO ${plan.target} (${cols}) SELECT DISTINCT ON (${keys}) ${cols} FROM ${plan.staging} ` +
    `ORDER BY ${keys}, ${quoteIdent(SEQ_COLUMN)} DESC ON CONFLICT (${keys}) ${action}`
  );
}

export const describeColumnsSql = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`;

/** Whether the sink uses the default columns against a table created without the fan-out index column. */
export function isLegacyDefaultTable(options: PostgresOptions, tableColumns: ReadonlySet<string>): boolean {
  return options.columns === undefined && tableColumns.size > 0 && !tableColumns.has(DEFAULT_INDEX_COLUMN);
}

/** The name of the table's primary key constraint. */
export const primaryKeySql = `SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`;

/**
 * The statement that brings a table of the earlier default columns to the current ones: the index column
 * (0 for the rows already there, which were all first records) joins the primary key.
 */
export function addIndexColumnSql(plan: TablePlan, primaryKey: string | undefined): string {
  const column = quoteIdent(DEFAULT_INDEX_COLUMN);
  const add = `ALTER TABLE ${plan.target} ADD COLUMN ${column} integer NOT NULL DEFAULT 0`;
  if (primaryKey === undefined) return add;
  const keys = [...plan.keyColumns, DEFAULT_INDEX_COLUMN].map(quoteIdent).join(', ');
  return `${add}, DROP CONSTRAINT ${quoteIdent(primaryKey)}, ADD PRIMARY KEY (${keys})`;
}
