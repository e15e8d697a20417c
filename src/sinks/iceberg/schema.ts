/**
 * Iceberg table schemas as this sink uses them: flat structs of optional primitive columns. A record's
 * top-level fields are its columns; nested objects and arrays are stored as JSON text in a string column.
 * Evolution only ever adds optional columns (with fresh field ids), which every Iceberg reader accepts; a
 * value that does not fit its column's type is a data error for that record alone.
 */

export const icebergTypes = ['boolean', 'int', 'long', 'double', 'string', 'timestamptz'] as const;
export type IcebergType = (typeof icebergTypes)[number];

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType | string;
  readonly doc?: string;
}

export interface IcebergSchema {
  readonly 'schema-id': number;
  readonly type: 'struct';
  readonly fields: readonly IcebergField[];
}

export type Row = Record<string, unknown>;

/** The Iceberg type a value would get in a new column. Undefined for null (no evidence). */
export function inferType(value: unknown): IcebergType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'long' : 'double';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

/** Why `value` cannot be stored in a column of `type`, or undefined when it can. */
export function misfit(value: unknown, type: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const got = Array.isArray(value)
    ? 'an array'
    : typeof value === 'object'
      ? 'an object'
      : `a ${typeof value}`;
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : got;
    case 'int':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
        ? undefined
        : typeof value === 'number'
          ? `${value}, not a 32-bit integer`
          : got;
    case 'long':
      return Number.isSafeInteger(value)
        ? undefined
        : typeof value === 'number'
          ? `${value}, not an integer`
          : got;
    case 'double':
      return typeof value === 'number' ? undefined : got;
    case 'string':
      return typeof value === 'string' || typeof value === 'object' ? undefined : got;
    case 'timestamptz':
      return (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
        ? undefined
        : `${got}, not a time`;
    default:
      return `column type ${type} is not written by this sink`;
  }
}

export interface Evolution {
  /** The schema to write with: the current one, or a new one with the added columns. */
  readonly schema: IcebergSchema;
  /** Columns added to the current schema (empty: no change). */
  readonly added: readonly IcebergField[];
  readonly lastColumnId: number;
}

/**
 * Adds an optional column for every field of `rows` the schema lacks, typed from the first non-null value
 * seen (integers that later meet a fraction become double). New ids continue from `lastColumnId`.
 * Rows are the ones that will be written: call it after dropping the rows that misfit existing columns.
 */
export function evolve(current: IcebergSchema, lastColumnId: number, rows: readonly Row[]): Evolution {
  const known = new Set(current.fields.map((f) => f.name));
  const types = new Map<string, IcebergType | undefined>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (known.has(name)) continue;
      const seen = types.get(name);
      const type = inferType(value);
      if (seen === undefined) types.set(name, type);
      else if (seen === 'long' && type === 'double') types.set(name, 'double');
    }
  }
  if (types.size === 0) return { schema: current, added: [], lastColumnId };
  let id = lastColumnId;
  const added = [...types].map(
    ([name, type]): IcebergField => ({
      id: ++id,
      name,
      required: false,
      type: type ?? 'string',
    }),
  );
  return {
    schema: { type: 'struct', 'schema-id': current['schema-id'] + 1, fields: [...current.fields, ...added] },
    added,
    lastColumnId: id,
  };
}

/**
 * Which column a new field's values conflict with inside one batch: a field whose values have several
 * kinds (e.g. a number in one record and a string in the next) keeps the first kind; the records that
 * disagree are reported here by index so they can be dead-lettered.
 */
export function conflictsWithin(rows: readonly Row[], schema: IcebergSchema): Map<number, string> {
  const byName = new Map(schema.fields.map((f) => [f.name, f] as const));
  const problems = new Map<number, string>();
  rows.forEach((row, index) => {
    for (const [name, value] of Object.entries(row)) {
      const field = byName.get(name);
      if (!field) continue;
      const why = misfit(value, String(field.type));
      if (why) {
        problems.set(index, `field "${name}" is ${why}; the table column "${name}" is ${field.type}`);
        return;
      }
    }
  });
  return problems;
}

/** A schema from config: column name → type, ids from 1 in the given order (after the record columns). */
export function schemaFromColumns(columns: ReadonlyArray<readonly [string, IcebergType]>): IcebergSchema {
  return {
    type: 'struct',
    'schema-id': 0,
    fields: columns.map(([name, type], i) => ({ id: i + 1, name, required: false, type })),
  };
}
