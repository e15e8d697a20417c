import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (e) =>
        e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.startsWith('test-'),
    )
    .map((e) => join(e.parentPath, e.name));
}

it('every error code in the code is documented in docs/errors.md, and every documented code exists', () => {
  const used = new Set<string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](DP_[A-Z0-9_]+)['"`]/g)) used.add(m[1]!);
  }
  const documented = new Set<string>();
  for (const m of readFileSync(join(root, 'docs/errors.md'), 'utf8').matchAll(/^\| `(DP_[A-Z0-9_]+)` \|/gm)) {
    documented.add(m[1]!);
  }
  assert.ok(used.size > 0);
  assert.deepEqual([...used].filter((c) => !documented.has(c)).sort(), [], 'codes used but not documented');
  assert.deepEqual([...documented].filter((c) => !used.has(c)).sort(), [], 'codes documented but not used');
});
