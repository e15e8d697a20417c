/**
 * Parquet through hyparquet-writer: one column per top-level field of the values. With a `schema` option the
 * columns and types are fixed and a record that does not fit is dead-lettered; without it, columns and types
 * are inferred from the batch (integers → INT64, other numbers → DOUBLE, strings → STRING, booleans →
 * BOOLEAN, anything mixed or nested → JSON). A value that is not an object is stored in a `value` column.
 */
import type { ColumnSource } from 'hyparquet-writer';
import type { PipelineRecord } from '../../../core/plugin.ts';
import type { parquetTypes } from '../options.ts';
import { jsonValue, type ObjectFormat, unstorable } from './format.ts';

type ParquetType = (typeof parquetTypes)[number];
type Row = Record<string, unknown>;

const RECORD_COLUMNS: Record<string, ParquetType> = {
  _topic: 'STRING',
  _partition: 'INT32',
  _offset: 'INT64',
  _timestamp: 'TIMESTAMP',
  _key: 'STRING',
};

export function parquetFormat(
  fields: 'value' | 'record',
  schema: Record<string, ParquetType> | undefined,
): ObjectFormat<Row> {
  const fixed = schema ? { ...schema, ...(fields === 'record' ? RECORD_COLUMNS : {}) } : undefined;
  return {
    extension: 'parquet',
    prepare(record: PipelineRecord): Row {
      const value = jsonValue(record.value);
      const row: Row =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? { ...(value as Row) }
          : { value };
      if (fields === 'record') {
        row['_topic'] = record.position.topic;
        row['_partition'] = record.position.partition;
        row['_offset'] = record.position.offset;
        row['_timestamp'] = record.timestamp;
        row['_key'] = record.key;
      }
      if (fixed) {
        for (const [column, type] of Object.entries(fixed)) {
          if (!fits(row[column], type)) throw unstorable(`field "${column}" is not a ${type}`);
        }
      }
      return row;
    },
    async encode(rows: Row[]): Promise<Uint8Array> {
      // Loaded on first use: only pipelines that write parquet pay for it.
      const { parquetWriteBuffer } = await import('hyparquet-writer');
      const types = fixed ?? inferTypes(rows);
      const columnData: ColumnSource[] = Object.entries(types).map(([name, type]) => ({
        name,
        type,
        nullable: true,
        data: rows.map((row) => toParquet(row[name], type)),
      }));
      return new Uint8Array(parquetWriteBuffer({ columnData }));
    },
  };
}

function fits(value: unknown, type: ParquetType): boolean {
  if (value === null || value === undefined) return true;
  switch (type) {
    case 'STRING':
      return typeof value === 'string';
    case 'INT32':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31;
    case 'INT64':
      return Number.isSafeInteger(value);
    case 'DOUBLE':
    case 'FLOAT':
      return typeof value === 'number';
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'TIMESTAMP':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
      );
    case 'JSON':
      return true;
  }
}

function toParquet(value: unknown, type: ParquetType): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'INT64') return BigInt(value as number);
  if (type === 'TIMESTAMP')
    return new Date(typeof value === 'string' ? Date.parse(value) : (value as number));
  return value;
}

/** Columns in order of first appearance, each with the narrowest type that holds all its values. */
function inferTypes(rows: readonly Row[]): Record<string, ParquetType> {
  const kinds = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      let set = kinds.get(name);
      if (!set) {
        set = new Set();
        kinds.set(name, set);
      }
      if (value !== null && value !== undefined) set.add(kindOf(value));
    }
  }
  const types: Record<string, ParquetType> = {};
  for (const [name, set] of kinds) {
    if (name in RECORD_COLUMNS) types[name] = RECORD_COLUMNS[name]!;
    else if (set.size === 0 || (set.size === 1 && set.has('string'))) types[name] = 'STRING';
    else if (set.size === 1 && set.has('boolean')) types[name] = 'BOOLEAN';
    else if (set.size === 1 && set.has('integer')) types[name] = 'INT64';
    else if ([...set].every((k) => k === 'integer' || k === 'number')) types[name] = 'DOUBLE';
    else types[name] = 'JSON';
  }
  return types;
}

function kindOf(value: unknown): string {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value;
  return 'json';
}
