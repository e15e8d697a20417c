/**
 * Golden files: the flagship example rendered for each target, byte for byte, in
 * test/platform/golden/<target>/. Any change to the output fails here until it is reviewed and the
 * files are regenerated with `UPDATE_GOLDEN=1 node --test src/platform/golden.test.ts`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderExample } from './example.test-support.ts';
import { builtinTargets } from './targets/builtin.ts';

const GOLDEN = fileURLToPath(new URL('../../test/platform/golden/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
}

describe('golden files of the flagship example', () => {
  const renders = renderExample();
  for (const target of builtinTargets.names) {
    test(target, () => {
      const dir = join(GOLDEN, target);
      const files = renders.get(target)!.files;
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        for (const [path, text] of files) {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), text);
        }
      }
      assert.deepEqual(
        filesUnder(dir),
        [...files.keys()].sort(),
        'the same files (UPDATE_GOLDEN=1 to accept)',
      );
      for (const [path, text] of files) {
        assert.equal(
          text,
          readFileSync(join(dir, path), 'utf8'),
          `${target}/${path} drifted (UPDATE_GOLDEN=1 to accept)`,
        );
      }
    });
  }
});
