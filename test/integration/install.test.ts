/**
 * A clean first screen (issue 17): `npm install` on the machine's Node prints no engine warnings, and
 * every engine warning the project's .npmrc hides is one that the Node 24 datapipe runs on satisfies
 * (docs/decisions/0053-quiet-install.md). Runs npm's dependency resolution (`--dry-run`, against the npm
 * registry) in a copy of package.json, package-lock.json and .npmrc, once with the npm host's Node
 * (Node 20 on this machine) and once with the project's Node 24.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const npmHostNode = '/usr/bin/node';

function npmCli(): string {
  const npm = realpathSync('/usr/bin/npm');
  const cli = join(dirname(npm), 'npm-cli.js');
  assert.ok(existsSync(cli), `npm's CLI script next to ${npm}`);
  return cli;
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'datapipe-install-'));
  for (const f of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(root, f), join(dir, f));
  return dir;
}

async function npmInstall(node: string, extra: string[] = []): Promise<string> {
  const { stdout, stderr } = await run(
    node,
    [npmCli(), 'install', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', ...extra],
    { cwd: project(), env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 },
  );
  return `${stdout}${stderr}`;
}

/** A version as [major, minor, patch]. */
function parts(version: string): number[] {
  const p = version.trim().replace(/^v/, '').split('.').map(Number);
  return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * `range` in the forms dependencies use: bounds `>=X[.Y[.Z]]` and `^X[.Y[.Z]]` (same major, at least
 * that), joined with `||` (e.g. `^22.13||^24||>=26`). Any other form fails the test, not silently passes.
 */
function satisfies(version: string, range: string): boolean {
  const have = parts(version);
  return range.split('||').some((part) => {
    const m = /^\s*(>=|\^)\s*(\d+(?:\.\d+){0,2})\s*$/.exec(part);
    assert.ok(m, `an engines range this test understands: "${range}"`);
    const want = parts(m[2] as string);
    if (m[1] === '^' && have[0] !== want[0]) return false;
    return compare(have, want) >= 0;
  });
}

describe('npm install output', () => {
  it('prints no engine warning on the npm host Node, nor on Node 24', async () => {
    const { stdout: hostVersion } = await run(npmHostNode, ['--version']);
    for (const node of [npmHostNode, process.execPath]) {
      const out = await npmInstall(node);
      assert.doesNotMatch(out, /EBADENGINE|npm warn/, `${node}:\n${out}`);
    }
    assert.match(hostVersion, /^v\d+\./);
  });

  it('hides only engine warnings that the Node 24 datapipe runs on satisfies', async () => {
    assert.ok(
      satisfies(process.version, '>=24'),
      `the tests run on the project's Node 24 (${process.version})`,
    );
    const out = await npmInstall(npmHostNode, ['--loglevel=warn']);
    const required = [...out.matchAll(/required: \{ node: '([^']+)' \}/g)].map((m) => m[1] as string);
    const { stdout: hostVersion } = await run(npmHostNode, ['--version']);
    if (!satisfies(hostVersion.trim(), '>=22')) {
      // The host Node is older than what some dependencies declare: npm must warn when asked to.
      assert.ok(required.length > 0, out);
    }
    for (const range of required) {
      assert.ok(satisfies(process.version, range), `${range} is not satisfied by ${process.version}`);
    }
    // The range check itself, by hand: 24.21.0 satisfies >=22 and >=22.0.0, 20.20.2 does not; 24.1 is below >=24.2.
    assert.equal(satisfies('v24.21.0', '>=22'), true);
    assert.equal(satisfies('v20.20.2', '>=22.0.0'), false);
    assert.equal(satisfies('v24.1.0', '>=24.2'), false);
    assert.equal(satisfies('v24.21.0', '>= 22.22.0 || >= 24.6.0'), true);
    assert.equal(satisfies('v20.20.2', '>= 22.22.0 || >= 24.6.0'), false);
    assert.equal(satisfies('v24.21.0', '^22||^24||>=26'), true);
    assert.equal(satisfies('v25.1.0', '^22||^24||>=26'), false);
    assert.equal(satisfies('v22.12.0', '^22.13||^24||>=26'), false);
  });
});
