/**
 * Golden files: the flagship example rendered for each target, byte for byte, in
 * test/platform/golden/<target>/. This test only reads them: any change to the output fails here
 * until it is reviewed and the files are regenerated with `npm run golden:update`
 * (scripts/golden-update.ts). Whether the goldens are right is checked independently, against the
 * providers' documentation, in provider-facts.test.ts.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { platformTargets } from '../cli/plugins.ts';
import { GOLDEN_DIR, renderExample } from './example.test-support.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('golden files of the flagship example', () => {
  const renders = renderExample();
  for (const target of platformTargets.names) {
    test(target, () => {
      const dir = join(GOLDEN_DIR, target);
      const files = renders.get(target)!.files;
      assert.deepEqual(filesUnder(dir), [...files.keys()].sort(), 'the same files (npm run golden:update)');
      for (const [path, text] of files) {
        assert.equal(
          text,
          readFileSync(join(dir, path), 'utf8'),
          `${target}/${path} drifted (review, then npm run golden:update)`,
        );
      }
    });
  }
});
