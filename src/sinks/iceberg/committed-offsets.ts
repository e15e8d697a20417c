/**
 * Exactly once per record. The position of the last record of each source partition that a pipeline has
 * appended to a table is stored in the table itself, set by the same commit that appends the data (an
 * Iceberg commit is atomic: both or neither). A position is an offset and the index of the record within
 * the fan-out of its source record (docs/decisions/0016-fan-out-identity.md, 0019-iceberg-fan-out-positions.md): two table properties,
 * `datapipe.offsets.<pipeline>` (a JSON object `{"topic/partition": offset}`, the only one earlier versions
 * wrote) and `datapipe.offset-indexes.<pipeline>` (`{"topic/partition": index}`, only partitions whose last
 * record has an index above 0; absent means 0). Before every commit attempt the sink reloads the table and
 * drops the records at or below the stored position: a replay after a crash, a retry after a commit whose
 * answer was lost, or a concurrent writer that committed the same range first (409) therefore never
 * appends a record twice, and a batch that ended in the middle of an expansion keeps its remaining copies.
 * The engine hands each partition's records in position order, so "at or below the highest stored
 * position" is exactly "already stored".
 */

import { partitionKey } from '../../core/record.ts';
import { compareSubPositions, type SubPosition } from '../../core/record-identity.ts';

export const OFFSETS_PROPERTY_PREFIX = 'datapipe.offsets.';
export const INDEXES_PROPERTY_PREFIX = 'datapipe.offset-indexes.';

export type PartitionPositions = ReadonlyMap<string, SubPosition>;

/** The property name for one pipeline (pipelines writing one table keep separate ranges). */
export function offsetsProperty(pipeline: string): string {
  return `${OFFSETS_PROPERTY_PREFIX}${pipeline}`;
}

/** The property holding the fan-out index of each partition's last stored record, when it is not 0. */
export function indexesProperty(pipeline: string): string {
  return `${INDEXES_PROPERTY_PREFIX}${pipeline}`;
}

/** `{"topic/partition": integer}` from one property; missing means empty. */
function readIntegers(
  properties: Readonly<Record<string, string>> | undefined,
  name: string,
): Map<string, number> {
  const raw = properties?.[name];
  const values = new Map<string, number>();
  if (!raw) return values;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`table property ${name} is not JSON: ${raw.slice(0, 80)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`table property ${name} is not a JSON object`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) values.set(key, value);
  }
  return values;
}

/**
 * Reads the stored positions; a missing property means nothing stored. A table written by an earlier
 * version has no index property: its offsets read with index 0, as that version's records had.
 */
export function readCommittedOffsets(
  properties: Readonly<Record<string, string>> | undefined,
  pipeline: string,
): Map<string, SubPosition> {
  const offsets = readIntegers(properties, offsetsProperty(pipeline));
  const indexes = readIntegers(properties, indexesProperty(pipeline));
  const positions = new Map<string, SubPosition>();
  for (const [key, offset] of offsets) {
    const index = indexes.get(key) ?? 0;
    positions.set(key, index === 0 ? { offset } : { offset, index });
  }
  return positions;
}

/**
 * The property values after appending records up to `appended` (never lowers a stored position). The
 * index property is always written, so an index of an earlier commit never outlives its offset.
 */
export function mergeCommittedOffsets(
  stored: PartitionPositions,
  appended: PartitionPositions,
  pipeline: string,
): Record<string, string> {
  const merged = new Map(stored);
  for (const [key, position] of appended) {
    const known = merged.get(key);
    if (known === undefined || compareSubPositions(position, known) > 0) merged.set(key, position);
  }
  const keys = [...merged.keys()].sort();
  const offsets = Object.fromEntries(keys.map((k) => [k, (merged.get(k) as SubPosition).offset]));
  const indexes = Object.fromEntries(
    keys.flatMap((k) => {
      const index = (merged.get(k) as SubPosition).index ?? 0;
      return index === 0 ? [] : [[k, index]];
    }),
  );
  return {
    [offsetsProperty(pipeline)]: JSON.stringify(offsets),
    [indexesProperty(pipeline)]: JSON.stringify(indexes),
  };
}

export interface Positioned {
  readonly position: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: number;
    readonly index?: number;
  };
}

/** Splits a batch into the records still to append and the highest position per partition among them. */
export function pendingRecords<T extends Positioned>(
  records: readonly T[],
  stored: PartitionPositions,
): { pending: T[]; highest: Map<string, SubPosition> } {
  const pending: T[] = [];
  const highest = new Map<string, SubPosition>();
  for (const record of records) {
    const { topic, partition, offset, index } = record.position;
    const key = partitionKey({ topic, partition });
    const position: SubPosition = index ? { offset, index } : { offset };
    const known = stored.get(key);
    if (known !== undefined && compareSubPositions(position, known) <= 0) continue;
    pending.push(record);
    const top = highest.get(key);
    if (top === undefined || compareSubPositions(position, top) > 0) highest.set(key, position);
  }
  return { pending, highest };
}
