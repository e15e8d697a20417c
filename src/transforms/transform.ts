/** What a transform step is: one record in, zero, one or several records out (possibly asynchronously). */
import type { PipelineRecord } from '../core/record.ts';

/** A record, several (fan-out), or null/undefined to drop the record. */
export type TransformResult = PipelineRecord | readonly PipelineRecord[] | null | undefined;

export interface TransformStep {
  /** `filter`, `map` or `module <path>`: for logs and error messages. */
  readonly label: string;
  /** Throws (or rejects) for a record it cannot transform: that record is dead-lettered. */
  apply(record: PipelineRecord): TransformResult | PromiseLike<TransformResult>;
}

/** The default export a `module:` transform provides, and its optional `setup`. */
export interface TransformModule {
  default: (record: PipelineRecord) => TransformResult | PromiseLike<TransformResult>;
  setup?: (options: Record<string, unknown>) => void | PromiseLike<void>;
}
