/**
 * Identity of a record as every sink spells it: `topic·partition·offset`, plus `·index` for the second and
 * later records a transform fanned one source record out to (docs/decisions/0016-fan-out-identity.md).
 * Index 0 adds nothing, so records that are not fanned out keep their identity from before fan-out
 * had one, and data written by earlier versions is rewritten, not duplicated, by a replay.
 */
import type { RecordPosition } from './record.ts';

/** The index within a fan-out expansion; 0 for a record that was not fanned out. */
export function subIndex(position: RecordPosition): number {
  return position.index ?? 0;
}

/** `topic{sep}partition{sep}offset`, then `{sep}index` only when the index is not 0. */
export function positionIdentity(position: RecordPosition, separator: string): string {
  const base = `${position.topic}${separator}${position.partition}${separator}${position.offset}`;
  const index = subIndex(position);
  return index === 0 ? base : `${base}${separator}${index}`;
}

/** A place within one partition: an offset, and the index within its fan-out (absent: 0). */
export interface SubPosition {
  readonly offset: number;
  readonly index?: number;
}

/** Orders two positions of one partition: by offset, then by index within a fan-out. */
export function compareSubPositions(a: SubPosition, b: SubPosition): number {
  return a.offset - b.offset || (a.index ?? 0) - (b.index ?? 0);
}
