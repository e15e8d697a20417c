/**
 * A JSONata expression compiled once and evaluated per record. The input (`$`) is the record value;
 * the record's metadata is available as variables: `$key`, `$headers`, `$topic`, `$partition`,
 * `$offset`, `$timestamp`. Only the variables an expression mentions are bound, since binding costs
 * time on every evaluation.
 */
import jsonata from 'jsonata';
import type { TransformStep } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';
import { TransformConfigError } from './transform.ts';

export type RecordExpression = (record: PipelineRecord) => Promise<unknown>;

const METADATA = ['key', 'headers', 'topic', 'partition', 'offset', 'timestamp'] as const;
type Metadata = (typeof METADATA)[number];

/** Throws a JSONata syntax error (with `position` and `message`) when the expression does not compile. */
export function compileRecordExpression(source: string): RecordExpression {
  const expression = jsonata(source);
  const used = METADATA.filter((name) => new RegExp(`\\$${name}\\b`).test(source));
  if (used.length === 0) return (record) => expression.evaluate(record.value);
  return (record) => expression.evaluate(record.value, bindings(record, used));
}

function bindings(record: PipelineRecord, used: readonly Metadata[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of used) {
    switch (name) {
      case 'key':
        out[name] = record.key;
        break;
      case 'headers':
        out[name] = record.headers;
        break;
      case 'timestamp':
        out[name] = record.timestamp;
        break;
      default:
        out[name] = record.position[name];
    }
  }
  return out;
}

/** JSONata's notion of true: no match, false, 0, "", null and empty arrays are false. */
export function isTrue(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some(isTrue);
  return Boolean(value);
}

/** Compiles a JSONata-based step; a bad expression is a TransformConfigError saying where and why. */
export function jsonataStep(compile: () => TransformStep): TransformStep {
  try {
    return compile();
  } catch (err) {
    throw new TransformConfigError(describeJsonataError(err), { cause: err });
  }
}

/** A one-line description of a JSONata compile error. */
export function describeJsonataError(err: unknown): string {
  const e = err as { message?: string; position?: number };
  const where = typeof e.position === 'number' ? ` at character ${e.position}` : '';
  return `invalid JSONata expression${where}: ${e.message ?? String(err)}`;
}
