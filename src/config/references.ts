/**
 * `${ENV_VAR}` and `${file:/path}` references in config strings, so that secrets live in the
 * environment or in mounted files and never in the config itself. Every resolved value is
 * remembered in `secretValues`, which the logger and error printer use to redact them.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

const REFERENCE = /\$\{(file:)?([^}]+)\}/g;

/** Values that came from references: never to be printed. */
export const secretValues = new Set<string>();

export class UnresolvedReferenceError extends Error {
  readonly path: ReadonlyArray<PropertyKey>;
  constructor(path: ReadonlyArray<PropertyKey>, message: string) {
    super(message);
    this.path = path;
  }
}

export interface ResolveOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Relative `${file:...}` paths resolve against this folder. */
  readonly baseDir: string;
}

/** Returns a copy of `value` with every reference in every string replaced; throws UnresolvedReferenceError. */
export function resolveReferences(
  value: unknown,
  options: ResolveOptions,
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === 'string') return resolveString(value, options, path);
  if (Array.isArray(value)) return value.map((v, i) => resolveReferences(v, options, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveReferences(v, options, [...path, k]);
    return out;
  }
  return value;
}

function resolveString(text: string, options: ResolveOptions, path: PropertyKey[]): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (_match, isFile: string | undefined, name: string) => {
    const secret = isFile
      ? readSecretFile(name.trim(), options.baseDir, path)
      : readEnv(name.trim(), options, path);
    if (secret.length > 0) secretValues.add(secret);
    return secret;
  });
}

function readEnv(name: string, options: ResolveOptions, path: PropertyKey[]): string {
  const [variable, fallback] = splitDefault(name);
  const value = options.env[variable];
  if (value !== undefined) return value;
  if (fallback !== undefined) return fallback;
  throw new UnresolvedReferenceError(
    path,
    `environment variable ${variable} is not set (referenced as \${${variable}})`,
  );
}

function readSecretFile(file: string, baseDir: string, path: PropertyKey[]): string {
  const full = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return readFileSync(full, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new UnresolvedReferenceError(
      path,
      `secret file ${full} cannot be read (referenced as \${file:${file}})`,
    );
  }
}

/** `${NAME:-default}` as in shells. */
function splitDefault(name: string): [string, string | undefined] {
  const at = name.indexOf(':-');
  return at < 0 ? [name, undefined] : [name.slice(0, at), name.slice(at + 2)];
}

/** Replaces every known secret value in `text`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of secretValues) {
    if (secret.length >= 3) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
