/**
 * What is already stored, per partition folder (rendered prefix + topic + partition): the highest offset
 * any stored object holds. Learnt by listing the folder the first time a batch touches it, then kept up to
 * date by the sink's own writes. See docs/decisions/0005-object-names-and-replays.md.
 */
import type { ObjectStoreDriver } from './driver.ts';
import { offsetsOf } from './object-name.ts';

export class StoredOffsets {
  readonly #driver: ObjectStoreDriver;
  /** folder → highest stored offset (-1: nothing stored). */
  readonly #highest = new Map<string, number>();

  constructor(driver: ObjectStoreDriver) {
    this.#driver = driver;
  }

  async highest(folder: string): Promise<number> {
    const known = this.#highest.get(folder);
    if (known !== undefined) return known;
    let highest = -1;
    for await (const name of this.#driver.list(folder)) {
      const offsets = offsetsOf(name, folder);
      if (offsets && offsets.last > highest) highest = offsets.last;
    }
    this.#highest.set(folder, highest);
    return highest;
  }

  stored(folder: string, lastOffset: number): void {
    this.#highest.set(folder, Math.max(lastOffset, this.#highest.get(folder) ?? -1));
  }
}
