/**
 * Exactly once per offset range. The highest offset of each source partition that a pipeline has appended
 * to a table is stored in the table itself, as the table property `datapipe.offsets.<pipeline>` (a JSON
 * object `{"topic/partition": offset}`), set by the same commit that appends the data (an Iceberg commit is
 * atomic: both or neither). Before every commit attempt the sink reloads the table and drops the records
 * at or below the stored offsets: a replay after a crash, a retry after a commit whose answer was lost, or
 * a concurrent writer that committed the same range first (409) therefore never appends a record twice.
 * The engine hands each partition's records in offset order, so "at or below the highest stored offset"
 * is exactly "already stored".
 */

import { partitionKey } from '../../core/record.ts';

export const OFFSETS_PROPERTY_PREFIX = 'datapipe.offsets.';

export type PartitionOffsets = ReadonlyMap<string, number>;

/** The property name for one pipeline (pipelines writing one table keep separate ranges). */
export function offsetsProperty(pipeline: string): string {
  return `${OFFSETS_PROPERTY_PREFIX}${pipeline}`;
}

/** Reads the stored offsets; a missing or unreadable property means nothing stored. */
export function readCommittedOffsets(
  properties: Readonly<Record<string, string>> | undefined,
  pipeline: string,
): Map<string, number> {
  const raw = properties?.[offsetsProperty(pipeline)];
  const offsets = new Map<string, number>();
  if (!raw) return offsets;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`table property ${offsetsProperty(pipeline)} is not JSON: ${raw.slice(0, 80)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`table property ${offsetsProperty(pipeline)} is not a JSON object`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) offsets.set(key, value);
  }
  return offsets;
}

/** The property value after appending records up to `appended` (never lowers a stored offset). */
export function mergeCommittedOffsets(stored: PartitionOffsets, appended: PartitionOffsets): string {
  const merged: Record<string, number> = {};
  for (const [key, offset] of stored) merged[key] = offset;
  for (const [key, offset] of appended) merged[key] = Math.max(offset, merged[key] ?? -1);
  const sorted = Object.keys(merged).sort();
  return JSON.stringify(Object.fromEntries(sorted.map((k) => [k, merged[k]])));
}

export interface Positioned {
  readonly position: { readonly topic: string; readonly partition: number; readonly offset: number };
}

/** Splits a batch into the records still to append and the highest offset per partition among them. */
export function pendingRecords<T extends Positioned>(
  records: readonly T[],
  stored: PartitionOffsets,
): { pending: T[]; highest: Map<string, number> } {
  const pending: T[] = [];
  const highest = new Map<string, number>();
  for (const record of records) {
    const { topic, partition, offset } = record.position;
    const key = partitionKey({ topic, partition });
    if (offset <= (stored.get(key) ?? -1)) continue;
    pending.push(record);
    highest.set(key, Math.max(offset, highest.get(key) ?? -1));
  }
  return { pending, highest };
}
