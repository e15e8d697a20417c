/**
 * Placeholders: values `datapipe import` writes where it could not read a fact (ids of zeros,
 * `replace-me`, documentation addresses). Rendering one would produce manifests and Terraform that
 * point at nothing, so `render` refuses them unless told otherwise, and `import` warns about each.
 */
import { ConfigError, formatFieldPath } from '../config/config-error.ts';
import type { LoadedConfig } from '../config/load.ts';

/** `replace-me` in any spelling, an id of zeros (UUID, AWS account), a TEST-NET-1 address (RFC 5737). */
const PLACEHOLDER =
  /replace-?me|(?:^|[^0-9a-f-])00000000-0000-0000-0000-000000000000(?![0-9a-f])|(?:^|[^0-9])000000000000(?![0-9])|\b192\.0\.2\.\d{1,3}\b/i;

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

export interface Placeholder {
  readonly path: readonly PropertyKey[];
  readonly value: string;
}

export function findPlaceholders(value: unknown, path: readonly PropertyKey[] = []): Placeholder[] {
  if (typeof value === 'string') return isPlaceholder(value) ? [{ path, value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findPlaceholders(v, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => findPlaceholders(v, [...path, k]));
  return [];
}

/**
 * The placeholders a render for `target` would use: everywhere in the file except the facts of the
 * other targets (a draft may keep those until the platform moves there). Each at its line.
 */
export function placeholderProblems(loaded: LoadedConfig<unknown>, target: string): ConfigError[] {
  return findPlaceholders(loaded.yaml.data)
    .filter((p) => !(p.path[0] === 'targets' && p.path.length > 1 && p.path[1] !== target))
    .map(
      (p) =>
        new ConfigError(
          loaded.yaml.locate([...p.path]),
          formatFieldPath([...p.path]),
          `"${p.value}" is a placeholder; put the real value here (or render anyway with --allow-placeholders)`,
        ),
    );
}
