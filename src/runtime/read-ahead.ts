/**
 * How far the source may read ahead of the sinks. `limits.maxInFlightBytes` is the memory bound the user
 * sets; the engine pauses reading earlier, at a few of the largest sink batch, when that is smaller. A
 * sink writes one batch at a time (or a few, one per partition: decision 0096), so records read further
 * ahead than its next batches only wait: long enough to outlive V8's young generation (promoted, then
 * found again by full collections) and to leave the CPU caches before they are encoded. Measured on
 * datapipe → Azure Blob (1 KiB records, batches of 2,000 records, 4 MiB): 12 MiB of read-ahead instead of
 * 64 MiB gave 15–25 % more records per CPU second and the same or higher throughput (decision 0089).
 */

/** Batches besides those being written that may be read ahead: one filling, one spare. */
export const READ_AHEAD_SPARE_BATCHES = 2;

/** Never less: a single delivery of the Kafka source can hold several MiB. */
export const MIN_READ_AHEAD_BYTES = 4 * 1024 * 1024;

export interface SinkBatching {
  /** `batch.maxBytes`. */
  readonly maxBytes: number;
  /** Batches the sink writes at once. */
  readonly concurrency: number;
}

/**
 * The byte budget in force: `maxInFlightBytes`, or, if smaller, what the hungriest sink needs: the batches
 * it writes at once plus one filling and one spare, of its `batch.maxBytes`.
 */
export function readAheadBytes(maxInFlightBytes: number, sinks: readonly SinkBatching[]): number {
  const largest = sinks.reduce(
    (most, s) => Math.max(most, (s.concurrency + READ_AHEAD_SPARE_BATCHES) * s.maxBytes),
    0,
  );
  return Math.min(maxInFlightBytes, Math.max(MIN_READ_AHEAD_BYTES, largest));
}
