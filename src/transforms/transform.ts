/** What a transform step is: one record in, zero, one or several records out (possibly asynchronously). */

import type { TransformResult } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';

export type { TransformResult, TransformStep } from '../core/plugin.ts';

/** Thrown by a transform kind's `compile` for a bad entry: a ConfigError at the entry's line; `message` says why. */
export class TransformConfigError extends Error {
  override readonly name: string = 'TransformConfigError';
}

/** The default export a `module:` transform provides, and its optional `setup`. */
export interface TransformModule {
  default: (record: PipelineRecord) => TransformResult | PromiseLike<TransformResult>;
  setup?: (options: Record<string, unknown>) => void | PromiseLike<void>;
}
