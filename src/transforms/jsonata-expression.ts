/**
 * A JSONata expression compiled once and evaluated per record. The input (`$`) is the record value;
 * the record's metadata is available as variables: `$key`, `$headers`, `$topic`, `$partition`,
 * `$offset`, `$timestamp`. Only the variables an expression mentions are bound, since binding costs
 * time on every evaluation.
 */
import jsonata from 'jsonata';
import type { PipelineRecord } from '../core/record.ts';
import { TransformConfigError } from './transform.ts';

export type RecordExpression = (record: PipelineRecord) => Promise<unknown>;

const METADATA = ['key', 'headers', 'topic', 'partition', 'offset', 'timestamp'] as const;
type Metadata = (typeof METADATA)[number];

/**
 * The one way to compile a JSONata expression of a pipeline (`filter:`, `map:`, a sink's `when`): one that
 * does not compile is a TransformConfigError saying where in it and why (`compileTransforms` and
 * `compileExpression` report it at its line).
 */
export function compileRecordExpression(source: string): RecordExpression {
  let expression: ReturnType<typeof jsonata>;
  try {
    expression = jsonata(source);
  } catch (err) {
    throw new TransformConfigError(describeJsonataError(err), { cause: err });
  }
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

/** A one-line description of a JSONata compile error (a syntax error has `position` and `message`). */
function describeJsonataError(err: unknown): string {
  const e = err as { message?: string; position?: number };
  const where = typeof e.position === 'number' ? ` at character ${e.position}` : '';
  return `invalid JSONata expression${where}: ${e.message ?? String(err)}`;
}
