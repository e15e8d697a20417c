/**
 * The source records already seen, by provenance (original topic, partition, offset), for collapsing the
 * copies of one source record in a dead-letter topic (docs/decisions/0052-dead-letter-doubles.md).
 * Offsets are kept per partition as sorted, merged ranges: dead-lettered offsets come in runs and mostly
 * ascending, so a partition whose records all failed costs one range, however many there are.
 */
export class ProvenanceSet {
  /** Per `topic/partition`: [start, end] inclusive ranges, sorted and disjoint, flattened. */
  readonly #ranges = new Map<string, number[]>();
  #size = 0;

  /** Distinct source records added. */
  get size(): number {
    return this.#size;
  }

  /** Adds the position; false when it was there already. */
  add(topic: string, partition: number, offset: number): boolean {
    const key = `${topic}/${partition}`;
    let r = this.#ranges.get(key);
    if (r === undefined) {
      r = [];
      this.#ranges.set(key, r);
    }
    // Index of the first range whose end >= offset - 1 (binary search over range ends).
    let lo = 0;
    let hi = r.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((r[mid * 2 + 1] as number) < offset - 1) lo = mid + 1;
      else hi = mid;
    }
    const i = lo * 2;
    if (i < r.length && (r[i] as number) <= offset && offset <= (r[i + 1] as number)) return false;
    this.#size++;
    if (i < r.length && (r[i] as number) === offset + 1) {
      r[i] = offset;
    } else if (i < r.length && (r[i + 1] as number) === offset - 1) {
      r[i + 1] = offset;
      // Joins the next range when the gap closed.
      if (i + 2 < r.length && (r[i + 2] as number) === offset + 1) r.splice(i + 1, 2);
    } else {
      r.splice(i, 0, offset, offset);
    }
    return true;
  }
}
