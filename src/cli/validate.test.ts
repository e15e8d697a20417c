import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const bin = join(import.meta.dirname, '../../bin/datapipe.js');
const run = promisify(execFile);

async function validate(body: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'datapipe-validate-'));
  const file = join(dir, 'p.yaml');
  await writeFile(file, body);
  return run(process.execPath, [bin, 'validate', file]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

const HEAD = 'name: p\nsource:\n  type: generator\n  count: 1\n';

it('exits 0 for a valid pipeline', async () => {
  const r = await validate(`${HEAD}sinks:\n  - name: out\n    type: stdout\n`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /valid pipeline "p"/);
});

it('finds a broken JSONata expression at its line, as a run would', async () => {
  const r = await validate(
    `${HEAD}transforms:\n  - filter: 'status = ('\nsinks:\n  - name: out\n    type: stdout\n`,
  );
  assert.equal(r.code, 1);
  // JSONata's own words, and where it stopped: after the 10 characters of `status = (`.
  assert.match(
    r.stderr,
    /p\.yaml:6:\d+: transforms\[0\]\.filter: invalid JSONata expression at character 10: Expected "\)" before end of expression$/m,
  );
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
});

it('finds a broken `when` routing condition', async () => {
  const r = await validate(`${HEAD}sinks:\n  - name: out\n    type: stdout\n    when: 'a >'\n`);
  assert.equal(r.code, 1);
  // The same words as a transform's: JSONata stopped after the 3 characters of `a >`.
  assert.match(
    r.stderr,
    /p\.yaml:8:\d+: sinks\[0\]\.when: invalid JSONata expression at character 3: Unexpected end of expression$/m,
  );
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
});

it('reports a rule across fields of a sink (s3 without a bucket) as `file:line:col: field: reason`, and so does run, before it serves metrics', async () => {
  const file = join(
    import.meta.dirname,
    '../../test/fixtures/bad-pipelines/cross-field/object-store-s3-without-bucket.yaml',
  );
  const checked = await run(process.execPath, [bin, 'validate', file]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.equal(checked.code, 1);
  assert.equal(checked.stderr.trim(), `${file}:7:5: sinks[0].bucket: \`bucket\` is required with driver s3`);
  const ran = await run(process.execPath, [bin, 'run', file], {
    env: { ...process.env, DATAPIPE_LOG_FORMAT: 'json' },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.equal(ran.code, 1, ran.stderr);
  assert.ok(
    ran.stderr.includes(`${file}:7:5: sinks[0].bucket: \`bucket\` is required with driver s3`),
    ran.stderr,
  );
  assert.doesNotMatch(ran.stderr, /serving \/metrics/);
});
