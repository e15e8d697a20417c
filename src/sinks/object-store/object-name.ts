/**
 * Object names are derived from the source positions they hold, so a replay produces the same names:
 *   {prefix}{topic}/partition={p}/{firstOffset:010d}[_{index}]-{lastOffset:010d}[_{index}].{ext}
 * where `_{index}` appears only for the second and later records a transform fanned one source record
 * out to (docs/decisions/0016-fan-out-identity.md), so names without fan-out are the ones they always were.
 * The prefix is a template whose parts come from each record (time parts from its timestamp, in UTC).
 */
import { FatalError } from '../../core/errors.ts';
import type { PipelineRecord } from '../../core/plugin.ts';
import type { SubPosition } from '../../core/record-identity.ts';

type Part = string | ((record: PipelineRecord) => string);

export interface PrefixTemplate {
  /** The part before the first placeholder: every object name starts with it. */
  readonly fixed: string;
  /** True when the prefix is the same for every record. */
  readonly constant: boolean;
  render(record: PipelineRecord): string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const TIME_PARTS: Record<string, (d: Date) => string> = {
  yyyy: (d) => pad(d.getUTCFullYear(), 4),
  MM: (d) => pad(d.getUTCMonth() + 1),
  dd: (d) => pad(d.getUTCDate()),
  HH: (d) => pad(d.getUTCHours()),
  mm: (d) => pad(d.getUTCMinutes()),
};

/** Field values become one safe path segment; a missing value is `_null`. */
export function safeSegment(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'object') return '_null';
  const text = String(value).replace(/[^A-Za-z0-9._=-]/g, '_');
  return text === '' || text === '.' || text === '..' ? '_null' : text;
}

function placeholder(name: string): (record: PipelineRecord) => string {
  const time = TIME_PARTS[name];
  if (time) return (r) => time(new Date(r.timestamp));
  if (name === 'topic') return (r) => r.position.topic;
  if (name === 'partition') return (r) => String(r.position.partition);
  if (name === 'key') return (r) => safeSegment(r.key);
  if (name.startsWith('value.')) {
    const path = name.slice('value.'.length).split('.');
    return (r) => {
      let current: unknown = r.value;
      for (const part of path) {
        if (current === null || typeof current !== 'object') return '_null';
        current = (current as Record<string, unknown>)[part];
      }
      return safeSegment(current);
    };
  }
  throw new FatalError(
    'DP_OBJECT_STORE_CONFIG',
    `object-store: unknown part {${name}} in \`prefix\`; use {yyyy} {MM} {dd} {HH} {mm} {topic} {partition} {key} or {value.field}`,
    { details: { field: 'prefix' } },
  );
}

/** Why `prefix` cannot be parsed (an unknown placeholder), or undefined when it can. */
export function prefixProblem(template: string): string | undefined {
  try {
    parsePrefix(template);
    return undefined;
  } catch (err) {
    if (err instanceof FatalError) return err.message.replace(/^object-store: /, '');
    throw err;
  }
}

export function parsePrefix(template: string): PrefixTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{([^{}]+)\}/g)) {
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push(placeholder(match[1]!.trim()));
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  const firstDynamic = parts.findIndex((p) => typeof p !== 'string');
  const constant = firstDynamic < 0;
  const fixed = (constant ? parts : parts.slice(0, firstDynamic)).join('');
  return {
    fixed,
    constant,
    render: constant
      ? () => fixed
      : (record) => {
          let out = '';
          for (const part of parts) out += typeof part === 'string' ? part : part(record);
          return out;
        },
  };
}

const OFFSET_WIDTH = 10;

/** The folder holding one partition's objects under one rendered prefix. */
export function partitionFolder(prefix: string, topic: string, partition: number): string {
  return `${prefix}${topic}/partition=${partition}/`;
}

function positionPart(p: SubPosition): string {
  return p.index ? `${pad(p.offset, OFFSET_WIDTH)}_${p.index}` : pad(p.offset, OFFSET_WIDTH);
}

export function objectName(
  prefix: string,
  topic: string,
  partition: number,
  first: SubPosition,
  last: SubPosition,
  extension: string,
): string {
  const range = `${positionPart(first)}-${positionPart(last)}`;
  return `${partitionFolder(prefix, topic, partition)}${range}.${extension}`;
}

function subPosition(offset: string, index: string | undefined): SubPosition {
  return index === undefined || Number(index) === 0
    ? { offset: Number(offset) }
    : { offset: Number(offset), index: Number(index) };
}

/** The positions an object in `folder` holds, or undefined for anything else (temp files, other folders). */
export function rangeOf(name: string, folder: string): { first: SubPosition; last: SubPosition } | undefined {
  if (!name.startsWith(folder)) return undefined;
  const match = /^(\d+)(?:_(\d+))?-(\d+)(?:_(\d+))?\.[A-Za-z0-9]+(\.[A-Za-z0-9]+)?$/.exec(
    name.slice(folder.length),
  );
  if (!match) return undefined;
  return { first: subPosition(match[1]!, match[2]), last: subPosition(match[3]!, match[4]) };
}
