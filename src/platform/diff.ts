/**
 * `render --diff A B`: what changes between two targets, file by file, as unified diff hunks. The
 * workload manifests must not change; `workloadChanges` says whether they did.
 */
export interface FileDiff {
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** Unified-diff hunks (changed files only). */
  readonly hunks: string;
}

const CONTEXT = 2;

export function diffTrees(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): FileDiff[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: FileDiff[] = [];
  for (const path of paths) {
    const before = a.get(path);
    const after = b.get(path);
    if (before === after) continue;
    if (before === undefined) out.push({ path, status: 'added', hunks: prefixed(after!, '+') });
    else if (after === undefined) out.push({ path, status: 'removed', hunks: prefixed(before, '-') });
    else out.push({ path, status: 'changed', hunks: unifiedHunks(before.split('\n'), after.split('\n')) });
  }
  return out;
}

/** Paths that differ outside the places bindings may live (should be none). */
export function workloadChanges(diffs: readonly FileDiff[]): string[] {
  return diffs
    .map((d) => d.path)
    .filter((p) => p.startsWith('kubernetes/workloads/') || p === 'kubernetes/kustomization.yaml');
}

export function formatDiff(diffs: readonly FileDiff[], from: string, to: string): string {
  return diffs
    .map((d) => {
      const left = d.status === 'added' ? '/dev/null' : `${from}/${d.path}`;
      const right = d.status === 'removed' ? '/dev/null' : `${to}/${d.path}`;
      return `--- ${left}\n+++ ${right}\n${d.hunks}`;
    })
    .join('');
}

function prefixed(text: string, sign: string): string {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return `@@ ${sign === '+' ? `-0,0 +1,${lines.length}` : `-1,${lines.length} +0,0`} @@\n${lines.map((l) => `${sign}${l}\n`).join('')}`;
}

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

/** Longest-common-subsequence line diff; rendered files are small enough for O(n·m). */
function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i]!, a: i++, b: j++ });
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!))
      ops.push({ kind: '-', line: a[i]!, a: i++, b: j });
    else ops.push({ kind: '+', line: b[j]!, a: i, b: j++ });
  }
  return ops;
}

function unifiedHunks(a: readonly string[], b: readonly string[]): string {
  const ops = lineOps(a, b);
  const keep = new Set<number>();
  ops.forEach((op, k) => {
    if (op.kind === ' ') return;
    for (let c = Math.max(0, k - CONTEXT); c <= Math.min(ops.length - 1, k + CONTEXT); c++) keep.add(c);
  });
  let out = '';
  let k = 0;
  while (k < ops.length) {
    if (!keep.has(k)) {
      k++;
      continue;
    }
    const start = k;
    while (k < ops.length && keep.has(k)) k++;
    const hunk = ops.slice(start, k);
    const aLines = hunk.filter((o) => o.kind !== '+').length;
    const bLines = hunk.filter((o) => o.kind !== '-').length;
    out += `@@ -${hunk[0]!.a + 1},${aLines} +${hunk[0]!.b + 1},${bLines} @@\n`;
    out += hunk.map((o) => `${o.kind}${o.line}\n`).join('');
  }
  return out;
}
