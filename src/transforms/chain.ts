/**
 * The pipeline's `transforms:`, compiled once and applied in order to each delivered group of records.
 * Runs synchronously as long as every step answers synchronously (no transforms, or sync modules), and
 * only waits where a step returns a promise (JSONata): one record at a time, which measured faster than
 * starting all evaluations at once. A step that throws dead-letters that record (stage `transform`); a
 * FatalError stops the run.
 */
import type { LoadedConfig } from '../config/load.ts';
import type { PipelineConfig, TransformConfig } from '../config/pipeline-schema.ts';
import { DataError, FatalError } from '../core/errors.ts';
import type { TransformPlugin } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';
import { configProblem } from './config-problem.ts';
import { compileRecordExpression, type RecordExpression } from './jsonata-expression.ts';
import { TransformConfigError, type TransformResult, type TransformStep } from './transform.ts';

/** Records with a parallel array of tags (the engine's offset tickets), kept aligned through fan-out. */
export interface Tagged<T> {
  readonly records: PipelineRecord[];
  readonly tags: T[];
}

export interface TransformEvents<T> {
  /** A record was dropped by a step (filter false, module returned null or []). */
  filtered(tag: T): void;
  /** A step threw for this record. */
  failed(tag: T, error: DataError): void;
}

export class TransformChain {
  readonly steps: readonly TransformStep[];

  constructor(steps: readonly TransformStep[]) {
    this.steps = steps;
  }

  /** True when a step may change a record's headers in place (modules can). */
  get mayMutateHeaders(): boolean {
    return this.steps.some((s) => s.label.startsWith('module'));
  }

  run<T>(input: Tagged<T>, events: TransformEvents<T>): Tagged<T> | Promise<Tagged<T>> {
    if (this.steps.length === 0) return input;
    return new ChainRun(this.steps, input, events).step();
  }
}

/** The state of one run through the steps, resumable after each awaited result. */
class ChainRun<T> {
  readonly #steps: readonly TransformStep[];
  readonly #events: TransformEvents<T>;
  #stepIndex = 0;
  #recordIndex = 0;
  #in: Tagged<T>;
  #out: Tagged<T> = { records: [], tags: [] };

  constructor(steps: readonly TransformStep[], input: Tagged<T>, events: TransformEvents<T>) {
    this.#steps = steps;
    this.#in = input;
    this.#events = events;
  }

  step(): Tagged<T> | Promise<Tagged<T>> {
    const pending = this.#advance();
    return pending === undefined ? numberExpansions(this.#in) : this.#continue(pending);
  }

  /** After the first promise: await each one, then run on synchronously until the next. */
  async #continue(first: PromiseLike<TransformResult>): Promise<Tagged<T>> {
    let pending: PromiseLike<TransformResult> | undefined = first;
    while (pending !== undefined) {
      try {
        this.#collect(await pending);
      } catch (err) {
        this.#fail(err);
      }
      this.#recordIndex++;
      pending = this.#advance();
    }
    return numberExpansions(this.#in);
  }

  /** Applies steps until one returns a promise (returned, with `#recordIndex` on its record) or all are done. */
  #advance(): PromiseLike<TransformResult> | undefined {
    while (this.#stepIndex < this.#steps.length) {
      const step = this.#steps[this.#stepIndex] as TransformStep;
      const records = this.#in.records;
      while (this.#recordIndex < records.length) {
        let result: TransformResult | PromiseLike<TransformResult>;
        try {
          result = step.apply(records[this.#recordIndex] as PipelineRecord);
        } catch (err) {
          this.#fail(err);
          this.#recordIndex++;
          continue;
        }
        if (isPromiseLike(result)) return result;
        this.#collect(result);
        this.#recordIndex++;
      }
      this.#in = this.#out;
      this.#out = { records: [], tags: [] };
      this.#recordIndex = 0;
      this.#stepIndex++;
    }
    return undefined;
  }

  #collect(result: TransformResult): void {
    const tag = this.#in.tags[this.#recordIndex] as T;
    if (result === null || result === undefined) {
      this.#events.filtered(tag);
    } else if (Array.isArray(result)) {
      if (result.length === 0) this.#events.filtered(tag);
      for (const r of result as PipelineRecord[]) {
        this.#out.records.push(r);
        this.#out.tags.push(tag);
      }
    } else {
      this.#out.records.push(result as PipelineRecord);
      this.#out.tags.push(tag);
    }
  }

  #fail(err: unknown): void {
    if (err instanceof FatalError) throw err;
    const step = this.#steps[this.#stepIndex] as TransformStep;
    const error =
      err instanceof DataError
        ? err
        : new DataError('DP_TRANSFORM_FAILED', `${step.label}: ${(err as Error)?.message ?? String(err)}`, {
            cause: err,
          });
    this.#events.failed(this.#in.tags[this.#recordIndex] as T, error);
  }
}

/**
 * Gives each record a source record fanned out to its index within that expansion (records of one source
 * record are adjacent and share its tag), so that sinks store every copy under its own identity. The first
 * keeps index 0 (no `index`): a record that was not fanned out keeps exactly the identity it had. A copy
 * is a new object, so two entries a module returned as the same object get different positions.
 * See docs/decisions/0016-fan-out-identity.md.
 */
function numberExpansions<T>(tagged: Tagged<T>): Tagged<T> {
  const { records, tags } = tagged;
  let start = 0;
  for (let i = 0; i < records.length; i++) {
    if (i > 0 && tags[i] !== tags[i - 1]) start = i;
    const record = records[i] as PipelineRecord;
    if (i > start) {
      records[i] = { ...record, position: { ...record.position, index: i - start } };
    } else if (record.position.index !== undefined) {
      const { index: _index, ...position } = record.position;
      records[i] = { ...record, position };
    }
  }
  return tagged;
}

function isPromiseLike(value: unknown): value is PromiseLike<TransformResult> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function' &&
    !Array.isArray(value)
  );
}

/**
 * Compiles the pipeline's transforms with the kinds the composition root registered (the schema let
 * through only entries of these kinds); a bad expression or module is a ConfigError at its line.
 */
export async function compileTransforms(
  loaded: LoadedConfig<PipelineConfig>,
  kinds: readonly TransformPlugin[],
): Promise<TransformChain> {
  const steps: TransformStep[] = [];
  const configs: readonly TransformConfig[] = loaded.config.transforms;
  for (const [i, config] of configs.entries()) {
    const kind = kinds.find((k) => k.key in config);
    if (kind === undefined) throw new Error(`transforms[${i}]: no registered transform kind`);
    try {
      steps.push(await kind.compile(config, loaded.baseDir));
    } catch (err) {
      throw atItsLine(loaded, ['transforms', i, kind.key], err);
    }
  }
  return new TransformChain(steps);
}

/**
 * The JSONata expression at `path` of the pipeline file (a sink's `when`), compiled as the `filter:` and
 * `map:` transforms compile theirs; one that does not compile is a ConfigError at its line.
 */
export function compileExpression(
  loaded: LoadedConfig<unknown>,
  path: ReadonlyArray<string | number>,
  source: string,
): RecordExpression {
  try {
    return compileRecordExpression(source);
  } catch (err) {
    throw atItsLine(loaded, path, err);
  }
}

/** A TransformConfigError thrown while compiling the entry at `path`, as a ConfigError at its line. */
function atItsLine(
  loaded: LoadedConfig<unknown>,
  path: ReadonlyArray<string | number>,
  err: unknown,
): unknown {
  return err instanceof TransformConfigError ? configProblem(loaded, path, err.message) : err;
}
