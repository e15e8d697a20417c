/**
 * What is already stored, per partition folder (rendered prefix + topic + partition): the highest position
 * (offset, and index within a fan-out) any stored object holds. Learnt by listing the folder the first time
 * a batch touches it, then kept up to date by the sink's own writes. See
 * docs/decisions/0005-object-names-and-replays.md and 0016-fan-out-identity.md.
 */
import { compareSubPositions, type SubPosition } from '../../core/record-identity.ts';
import type { ObjectStoreDriver } from './driver.ts';
import { rangeOf } from './object-name.ts';

/** Below every real position: nothing stored. */
const NOTHING_STORED: SubPosition = { offset: -1 };

export class StoredOffsets {
  readonly #driver: ObjectStoreDriver;
  /** folder → highest stored position. */
  readonly #highest = new Map<string, SubPosition>();

  constructor(driver: ObjectStoreDriver) {
    this.#driver = driver;
  }

  async highest(folder: string): Promise<SubPosition> {
    const known = this.#highest.get(folder);
    if (known !== undefined) return known;
    let highest = NOTHING_STORED;
    for await (const name of this.#driver.list(folder)) {
      const range = rangeOf(name, folder);
      if (range && compareSubPositions(range.last, highest) > 0) highest = range.last;
    }
    this.#highest.set(folder, highest);
    return highest;
  }

  stored(folder: string, last: SubPosition): void {
    const known = this.#highest.get(folder) ?? NOTHING_STORED;
    this.#highest.set(folder, compareSubPositions(last, known) > 0 ? last : known);
  }
}
