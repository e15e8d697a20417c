/**
 * `npm run golden:update`: the only way the golden files of the flagship example change. Renders the
 * example for every target into test/platform/golden/<target>/ (replacing what was there); review the
 * diff with `git diff test/platform/golden` before committing it. The golden test only compares.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GOLDEN_DIR, renderExampleUncached } from '../src/platform/example.test-support.ts';
import { parseScriptArgs } from './script-args.ts';

parseScriptArgs({
  command: 'npm run golden:update --',
  summary:
    'Renders the flagship example for every target into test/platform/golden/<target>/, replacing what was there; review `git diff test/platform/golden` before committing.',
  options: {},
});

for (const [target, result] of renderExampleUncached()) {
  const dir = join(GOLDEN_DIR, target);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, text] of result.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  console.log(`${target}: ${result.files.size} files in ${dir}`);
}
