/** What a run did, as `datapipe run --output json` prints it. */
import type { SourcePosition } from '../core/record.ts';

export interface RunSummary {
  records_in: number;
  /** Records durably written, per sink name. */
  records_out: Record<string, number>;
  dead_lettered: number;
  /** Records dropped by a transform (filter false, module returned null). */
  filtered: number;
  /** Records no sink's `when` accepted. */
  unrouted: number;
  /** The last committed position of each partition (next offset to read). */
  committed: SourcePosition[];
}
