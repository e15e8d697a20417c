/**
 * Field path patterns for structured rules: `spec.template.spec.containers.*.args.*`,
 * `**.storageClassName`. Segments are split on `.`; `*` matches one segment, `**` any number,
 * `a|b` a segment that is one of these names.
 * Keys that contain dots themselves (annotation keys) are matched with a rule's `key` regex instead.
 */
export type PathPattern = readonly string[];

export function compilePathPattern(pattern: string): PathPattern {
  return pattern.split('.');
}

export function matchPath(pattern: PathPattern, path: readonly string[]): boolean {
  return matchFrom(pattern, 0, path, 0);
}

function matchFrom(pattern: PathPattern, pi: number, path: readonly string[], si: number): boolean {
  if (pi === pattern.length) return si === path.length;
  const seg = pattern[pi];
  if (seg === '**') {
    for (let k = si; k <= path.length; k++) if (matchFrom(pattern, pi + 1, path, k)) return true;
    return false;
  }
  if (si === path.length) return false;
  if (seg !== '*' && seg !== path[si] && !(seg!.includes('|') && seg!.split('|').includes(path[si]!)))
    return false;
  return matchFrom(pattern, pi + 1, path, si + 1);
}
