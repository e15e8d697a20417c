/**
 * zod's issues, made to read well for a config file: a wrong type says what was found, an unknown field
 * or value suggests the closest valid name, and the YAML pitfall `type: null` (YAML reads it as "no
 * value") says to quote it. A value found is echoed only when it is plainly written in the file (not a
 * `${...}` reference), short, and not in a field whose name suggests a secret.
 */
import type { z } from 'zod';
import { closestName } from './closest-name.ts';

const SECRET_FIELD = /pass|secret|token|key|credential|auth|sasl|cert|dsn|uri|url|connection/i;
const MAX_ECHO = 60;

export interface IssueInputs {
  /** The data after `${...}` references were resolved (what the schema saw). */
  readonly resolved: unknown;
  /** The data as written in the file. */
  readonly raw: unknown;
  readonly schema: z.ZodType;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** The message for an issue (without the location and field, which the caller adds). */
export function describeIssue(issue: z.core.$ZodIssue, inputs: IssueInputs): string {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'invalid_type') {
    const found = valueAt(inputs.resolved, path);
    if (found === undefined) return `required field is missing (${issue.expected})`;
    return `expected ${article(issue.expected)}, got ${describeFound(found, path, inputs)}`;
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    const field = String(issue.discriminator ?? 'type');
    const options = ('options' in issue ? (issue.options as unknown[]) : []).map(String);
    const found = valueAt(inputs.resolved, path);
    if (found === null && options.includes('null')) {
      return `${field}: null is read by YAML as "no value", not the name "null": quote it (${field}: 'null')`;
    }
    return unknownValue(field, found, options, issue.message);
  }
  if (issue.code === 'invalid_value') {
    const found = valueAt(inputs.resolved, path);
    return unknownValue(String(path.at(-1) ?? 'value'), found, issue.values.map(String), issue.message);
  }
  return issue.message;
}

/** `unknown field`, with the closest field the schema has at that place. */
export function describeUnknownField(key: string, path: readonly PropertyKey[], inputs: IssueInputs): string {
  const suggestion = closestName(key, fieldsAt(inputs.schema, path, inputs.resolved));
  return suggestion === undefined ? 'unknown field' : `unknown field; did you mean "${suggestion}"?`;
}

function unknownValue(field: string, found: unknown, options: readonly string[], fallback: string): string {
  if (typeof found !== 'string') return `unknown value for "${field}"; ${fallback}`;
  const suggestion = closestName(found, options);
  const list = options.map((o) => `'${o}'`).join(' | ');
  return `unknown value "${found.slice(0, MAX_ECHO)}" for "${field}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`} Expected ${list}`;
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeFound(found: unknown, path: readonly PropertyKey[], inputs: IssueInputs): string {
  if (found === null) return 'nothing (an empty or null value)';
  if (Array.isArray(found)) return 'a list';
  if (typeof found === 'object') return 'a mapping';
  const echo =
    valueAt(inputs.raw, path) === found &&
    !SECRET_FIELD.test(String(path.at(-1) ?? '')) &&
    String(found).length <= MAX_ECHO;
  if (typeof found === 'string') return echo ? `the string ${JSON.stringify(found)}` : 'a string';
  if (typeof found === 'number') return echo ? `the number ${found}` : 'a number';
  if (typeof found === 'boolean') return echo ? `${found}` : 'a boolean';
  return typeof found;
}

interface ZodDefLike {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

function def(schema: z.ZodType): ZodDefLike {
  return (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
}

/** The field names the schema allows at `path` (for the data there: a union picks its matching option). */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] {
  const at = schemaAt(schema, path, data);
  return at === undefined ? [] : objectKeys(at, valueAt(data, path));
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const d = def(s);
    const inner = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (inner === undefined) return s;
    s = inner;
  }
  return s;
}

function pickOption(schema: z.ZodType, data: unknown): z.ZodType[] {
  const d = def(schema);
  const options = d.options ?? [];
  if (d.discriminator !== undefined && data !== null && typeof data === 'object') {
    const value = (data as Record<string, unknown>)[d.discriminator];
    const match = options.filter((o) => {
      const field = def(unwrap(o)).shape?.[d.discriminator as string];
      return field !== undefined && (def(unwrap(field)).values ?? []).includes(value);
    });
    if (match.length > 0) return match;
  }
  return [...options];
}

function schemaAt(schema: z.ZodType, path: readonly PropertyKey[], data: unknown): z.ZodType | undefined {
  let s = unwrap(schema);
  let value = data;
  for (const p of path) {
    const d = def(s);
    if (d.type === 'union') {
      const [first] = pickOption(s, value);
      if (first === undefined) return undefined;
      s = unwrap(first);
    }
    const dd = def(s);
    const next = dd.type === 'array' ? dd.element : dd.shape?.[String(p)];
    if (next === undefined) return undefined;
    s = unwrap(next);
    value =
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p] : undefined;
  }
  return s;
}

function objectKeys(schema: z.ZodType, data: unknown): string[] {
  const d = def(schema);
  if (d.type === 'union') return pickOption(schema, data).flatMap((o) => objectKeys(unwrap(o), data));
  return Object.keys(d.shape ?? {});
}
