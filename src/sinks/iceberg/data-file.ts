/**
 * One Parquet data file per partition value, written by hyparquet-writer with the Iceberg field id of each
 * column in the Parquet schema (readers map columns by id, so renamed or added columns resolve). Types
 * follow the spec's Parquet mapping: long → INT64, timestamptz → INT64 TIMESTAMP(MICROS, UTC), string →
 * UTF-8 BYTE_ARRAY. https://iceberg.apache.org/spec/#parquet
 */
import type { ColumnSource } from 'hyparquet-writer';
import { epochMillis } from './partitioning.ts';
import type { IcebergField, IcebergSchema, Row } from './schema.ts';

type SchemaElement = NonNullable<
  Parameters<typeof import('hyparquet-writer').parquetWriteBuffer>[0]['schema']
>[number];

function element(field: IcebergField): SchemaElement {
  const base = { name: field.name, field_id: field.id, repetition_type: 'OPTIONAL' as const };
  switch (field.type) {
    case 'boolean':
      return { ...base, type: 'BOOLEAN' };
    case 'int':
      return { ...base, type: 'INT32' };
    case 'long':
      return { ...base, type: 'INT64' };
    case 'double':
      return { ...base, type: 'DOUBLE' };
    case 'timestamptz':
      return {
        ...base,
        type: 'INT64',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      };
    default:
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
  }
}

function toParquet(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'long':
      return BigInt(value as number);
    case 'timestamptz': {
      const ms = epochMillis(value);
      return ms === undefined ? null : BigInt(Math.round(ms * 1000));
    }
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return value;
  }
}

export async function encodeDataFile(rows: readonly Row[], schema: IcebergSchema): Promise<Uint8Array> {
  // Loaded on first use, like the object-store sink's Parquet format.
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const columnData: ColumnSource[] = schema.fields.map((field) => ({
    name: field.name,
    data: rows.map((row) => toParquet(row[field.name], String(field.type))),
  }));
  const parquetSchema: SchemaElement[] = [
    { name: 'table', num_children: schema.fields.length },
    ...schema.fields.map(element),
  ];
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: parquetSchema }));
}
