/**
 * Addressing a part of a record from config: `$key`, `$value`, `$timestamp`, `$position`
 * (`topic:partition:offset[:index]`), `$position.topic|partition|offset|index` (index: within a fan-out), `$headers.<name>`, or a dotted
 * field path into the value (`customer.id`, `items.0.sku`). Compiled once, applied per record.
 * Shared by the postgres and mongodb sinks.
 */
import type { PipelineRecord } from '../../core/plugin.ts';
import { positionIdentity, subIndex } from '../../core/record-identity.ts';

/** `undefined` means "not present" (a missing field), `null` an explicit null. */
type RecordGetter = (record: PipelineRecord) => unknown;

export type RecordPathKind =
  | 'key'
  | 'value'
  | 'timestamp'
  | 'position'
  | 'topic'
  | 'partition'
  | 'offset'
  | 'index'
  | 'header'
  | 'field';

export interface RecordPath {
  readonly source: string;
  readonly kind: RecordPathKind;
  readonly get: RecordGetter;
}

/** `topic:partition:offset`, plus `:index` for the second and later records of a fan-out. */
function positionId(record: PipelineRecord): string {
  return positionIdentity(record.position, ':');
}

/** Throws an Error naming the problem when `path` is not a valid record path. */
export function compileRecordPath(path: string): RecordPath {
  const make = (kind: RecordPathKind, get: RecordGetter): RecordPath => ({ source: path, kind, get });
  switch (path) {
    case '$key':
      return make('key', (r) => r.key);
    case '$value':
      return make('value', (r) => r.value);
    case '$timestamp':
      return make('timestamp', (r) => r.timestamp);
    case '$position':
      return make('position', positionId);
    case '$position.topic':
      return make('topic', (r) => r.position.topic);
    case '$position.partition':
      return make('partition', (r) => r.position.partition);
    case '$position.offset':
      return make('offset', (r) => r.position.offset);
    case '$position.index':
      return make('index', (r) => subIndex(r.position));
  }
  if (path.startsWith('$headers.') && path.length > '$headers.'.length) {
    const name = path.slice('$headers.'.length);
    return make('header', (r) => r.headers[name]);
  }
  if (path.startsWith('$')) {
    throw new Error(
      `unknown record path "${path}" (use $key, $value, $timestamp, $position, $position.topic|partition|offset|index, $headers.<name> or a field path)`,
    );
  }
  const parts = path.split('.');
  if (parts.some((p) => p.length === 0)) throw new Error(`field path "${path}" has an empty segment`);
  return make('field', (r) => fieldAt(r.value, parts));
}

function fieldAt(value: unknown, parts: readonly string[]): unknown {
  let current = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
