/**
 * `module: ./enrich.ts`: a TypeScript or JavaScript file, relative to the pipeline file, whose default
 * export takes a record and returns a record, an array of records (fan-out) or null (drop it). Its
 * optional `setup(options)` export runs once, before the first record, with the transform's `options`.
 * Node 24 runs `.ts` files directly (type stripping), so no build step is needed.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { DataError } from '../core/errors.ts';
import type { TransformPlugin } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';
import {
  TransformConfigError,
  type TransformModule,
  type TransformResult,
  type TransformStep,
} from './transform.ts';

/** Thrown when the module cannot be loaded or does not have the right shape; `message` says why. */
class TransformModuleError extends TransformConfigError {
  override readonly name = 'TransformModuleError';
}

const fields = {
  module: z.string().meta({
    description:
      'A TypeScript or JavaScript module (relative to the pipeline file) whose default export maps a record to a record, an array of records, or null to drop it.',
  }),
  options: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: "Passed to the module's optional `setup(options)` export." }),
};

export const moduleTransform: TransformPlugin<typeof fields> = {
  key: 'module',
  fields,
  compile: (entry, baseDir) => moduleStep(entry.module, baseDir, entry.options),
};

async function moduleStep(
  path: string,
  baseDir: string,
  options: Record<string, unknown> = {},
): Promise<TransformStep> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  let loaded: Partial<TransformModule>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Partial<TransformModule>;
  } catch (err) {
    throw new TransformModuleError(`cannot load transform module ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const fn = loaded.default;
  if (typeof fn !== 'function') {
    throw new TransformModuleError(
      `transform module ${file} must have a default export: (record) => record | record[] | null`,
    );
  }
  if (loaded.setup !== undefined) {
    if (typeof loaded.setup !== 'function') {
      throw new TransformModuleError(`transform module ${file}: "setup" must be a function`);
    }
    try {
      await loaded.setup(options);
    } catch (err) {
      throw new TransformModuleError(`transform module ${file}: setup failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return {
    label: `module ${path}`,
    apply: (record) => {
      const out = fn(record);
      if (out !== null && typeof out === 'object' && 'then' in out && typeof out.then === 'function') {
        return (out as PromiseLike<TransformResult>).then((v) => normalize(v, record));
      }
      return normalize(out as TransformResult, record);
    },
  };
}

/** Accepts what a module returned, filling what it left out from the input record. */
function normalize(out: TransformResult, input: PipelineRecord): TransformResult {
  if (out === input || out === null || out === undefined) return out;
  if (Array.isArray(out)) return out.map((r) => normalizeOne(r, input));
  return normalizeOne(out as PipelineRecord, input);
}

function normalizeOne(out: PipelineRecord, input: PipelineRecord): PipelineRecord {
  if (out === input) return out;
  if (out === null || typeof out !== 'object') {
    throw new DataError('DP_TRANSFORM_BAD_RESULT', `a transform module returned ${typeof out}, not a record`);
  }
  if (out.position !== undefined && typeof out.sizeBytes === 'number' && out.headers !== undefined)
    return out;
  return {
    position: out.position ?? input.position,
    key: out.key === undefined ? input.key : out.key,
    value: 'value' in out ? out.value : input.value,
    headers: out.headers ?? input.headers,
    timestamp: out.timestamp ?? input.timestamp,
    sizeBytes: out.sizeBytes ?? input.sizeBytes,
  };
}
