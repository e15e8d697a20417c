/**
 * Partition transforms the sink computes itself (identity, year, month, day, hour), as the Iceberg spec
 * defines them: https://iceberg.apache.org/spec/#partition-transforms. Times are UTC; day is days since
 * 1970-01-01, hour hours since 1970-01-01T00:00Z, month months since 1970-01, year years since 1970.
 */
import type { IcebergSchema } from './schema.ts';

export const partitionTransforms = ['identity', 'year', 'month', 'day', 'hour'] as const;
export type PartitionTransform = (typeof partitionTransforms)[number];

/** A partition field as it appears in a partition spec, plus the type of its values. */
export interface PartitionField {
  readonly name: string;
  readonly transform: string;
  readonly 'source-id': number;
  readonly 'field-id': number;
  /** int for the time transforms (date for day), the source type for identity. */
  readonly resultType: string;
}

export interface PartitionSpec {
  readonly 'spec-id': number;
  readonly fields: ReadonlyArray<Omit<PartitionField, 'resultType'>>;
}

/** The spec's fields with their result types, from the table's schema. */
export function partitionFields(spec: PartitionSpec, schema: IcebergSchema): PartitionField[] {
  return spec.fields.map((f) => {
    const source = schema.fields.find((s) => s.id === f['source-id']);
    const resultType =
      f.transform === 'identity' ? String(source?.type ?? 'string') : f.transform === 'day' ? 'date' : 'int';
    if (!(partitionTransforms as readonly string[]).includes(f.transform)) {
      throw new Error(`partition transform ${f.transform} of field ${f.name} is not supported by this sink`);
    }
    return { ...f, resultType };
  });
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Epoch milliseconds of a timestamptz column value (a number of ms or an ISO string). */
export function epochMillis(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (value instanceof Date) return value.getTime();
  return undefined;
}

/** The partition value of `value` (a source column value) under `transform`; null stays null. */
export function applyTransform(transform: string, value: unknown): number | string | boolean | null {
  if (value === null || value === undefined) return null;
  if (transform === 'identity') {
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
    return JSON.stringify(value);
  }
  const ms = epochMillis(value);
  if (ms === undefined) return null;
  switch (transform) {
    case 'hour':
      return Math.floor(ms / HOUR);
    case 'day':
      return Math.floor(ms / DAY);
    case 'month': {
      const d = new Date(ms);
      return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
    }
    case 'year':
      return new Date(ms).getUTCFullYear() - 1970;
    default:
      throw new Error(`unsupported partition transform ${transform}`);
  }
}

/** The path segment Iceberg writers use for a partition value (`day=2026-11-27`, `hour=2026-11-27-13`). */
export function partitionPath(fields: readonly PartitionField[], values: readonly unknown[]): string {
  return fields
    .map((f, i) => `${encodeURIComponent(f.name)}=${encodeURIComponent(humanValue(f.transform, values[i]))}`)
    .join('/');
}

function humanValue(transform: string, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const n = value as number;
  switch (transform) {
    case 'day':
      return new Date(n * DAY).toISOString().slice(0, 10);
    case 'hour':
      return new Date(n * HOUR).toISOString().slice(0, 13).replace('T', '-');
    case 'month': {
      const year = 1970 + Math.floor(n / 12);
      return `${year}-${String((n % 12) + 1).padStart(2, '0')}`;
    }
    case 'year':
      return String(1970 + n);
    default:
      return String(value);
  }
}
