/** `datapipe test`: pipeline unit tests run through the real transforms and routing, no server. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { datapipeBin as bin } from '../../test/support/datapipe-process.ts';

const execFileAsync = promisify(execFile);

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-test-cmd-'));
  await writeFile(
    join(dir, 'orders.yaml'),
    `name: orders
source:
  type: file
  path: orders.jsonl
transforms:
  - filter: amount > 0
  - module: ./check.mjs
  - map: '$merge([$, {"big": amount >= 100}])'
sinks:
  - name: big
    type: stdout
    when: big
  - name: all
    type: stdout
`,
  );
  await writeFile(
    join(dir, 'check.mjs'),
    "export default (r) => { if (r.value.poison) throw new Error('poison'); return r; };\n",
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function datapipeTest(
  name: string,
  body: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string }> {
  const file = join(dir, `${name}.test.yaml`);
  await writeFile(file, `pipeline: orders.yaml\n${body}`);
  return execFileAsync(process.execPath, [bin, 'test', file, ...args], { cwd: dir }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );
}

const PASSING = `cases:
  - name: routes by amount, drops zero, dead-letters poison and bad JSON
    input:
      - { key: a, value: { amount: 150 } }
      - { value: { amount: 5 } }
      - { value: { amount: 0 } }
      - { value: { amount: 7, poison: true } }
      - { value: 'not json' }
    expect:
      sinks:
        big:
          - { key: a, value: { amount: 150, big: true } }
        all:
          - { value: { amount: 150, big: true } }
          - { value: { amount: 5, big: false } }
      deadLetter:
        - { input: 3, stage: transform, code: DP_TRANSFORM_FAILED }
        - { input: 4, stage: decode, code: DP_DECODE_INVALID_JSON }
`;

describe('datapipe test', () => {
  it('passes a case whose expectations hold, exit 0', async () => {
    const r = await datapipeTest('pass', PASSING);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^PASS .*pass\.test\.yaml: routes by amount/m);
    assert.match(r.stdout, /^datapipe test: 1 passed, 0 failed$/m);
  });

  it('fails a wrong expectation with a diff, exit 1', async () => {
    const wrong = PASSING.replace('{ amount: 5, big: false }', '{ amount: 5, big: true }');
    const r = await datapipeTest('fail', wrong);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAIL .*fail\.test\.yaml: routes by amount/m);
    // The one differing line, expected (-) against actual (+); the rest shared.
    const changed = r.stdout.split('\n').filter((l) => /^\s+[-+] /.test(l));
    assert.deepEqual(
      changed.map((l) => l.trim().replace(/\s+/g, ' ')),
      ['- "big": true', '+ "big": false'],
    );
    assert.match(r.stdout, /^datapipe test: 0 passed, 1 failed$/m);
  });

  it('checks the dead-letter stage and code', async () => {
    const wrong = PASSING.replace(
      '{ input: 3, stage: transform, code: DP_TRANSFORM_FAILED }',
      '{ input: 3, stage: decode }',
    );
    const r = await datapipeTest('dlq', wrong, ['--output', 'json']);
    assert.equal(r.code, 1);
    const run = JSON.parse(r.stdout) as {
      passed: number;
      failed: number;
      files: Array<{ cases: Array<{ diff: string[] }> }>;
    };
    assert.equal(run.failed, 1);
    const diff = run.files[0]?.cases[0]?.diff ?? [];
    assert.deepEqual(
      diff.filter((l) => /^[-+] /.test(l)).map((l) => l.replace(/\s+/g, ' ')),
      ['- "stage": "decode"', '+ "stage": "transform"'],
    );
  });

  it('reports a broken test file at its line, exit 1', async () => {
    const r = await execFileAsync(process.execPath, [
      bin,
      'test',
      await (async () => {
        const f = join(dir, 'broken.test.yaml');
        await writeFile(f, 'pipeline: orders.yaml\ncases:\n  - name: x\n    inptu: []\n    expect: {}\n');
        return f;
      })(),
    ]).then(
      () => assert.fail('must fail'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /broken\.test\.yaml:4:5: cases\[0\]\.inptu: unknown field; did you mean "input"\?/,
    );
  });

  describe('a pipeline that names platform resources', () => {
    const NAMED = `name: named
source: { type: file, path: orders.jsonl }
sinks:
  - name: archive
    type: object-store
    store: orders-archive
    format: jsonl
`;
    const CASE = `cases:
  - name: written as read
    input: [{ value: { amount: 1 } }]
    expect:
      sinks:
        archive: [{ value: { amount: 1 } }]
`;
    before(async () => {
      await writeFile(join(dir, 'named.yaml'), NAMED);
      await writeFile(
        join(dir, 'local.bindings.yaml'),
        'bindings:\n  orders-archive: { type: object-store, driver: fs, path: ./archive }\n',
      );
    });
    const runRaw = async (name: string, body: string, args: string[] = []) => {
      const file = join(dir, `${name}.test.yaml`);
      await writeFile(file, body);
      return execFileAsync(process.execPath, [bin, 'test', file, ...args], { cwd: dir }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
    };

    it("runs with the test file's own bindings file", async () => {
      const r = await runRaw('own', `pipeline: named.yaml\nbindings: local.bindings.yaml\n${CASE}`);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^datapipe test: 1 passed, 0 failed$/m);
    });

    it('runs with --bindings for a test file without its own', async () => {
      const r = await runRaw('flag', `pipeline: named.yaml\n${CASE}`, ['--bindings', 'local.bindings.yaml']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^datapipe test: 1 passed, 0 failed$/m);
    });

    it('without bindings, names the pipeline line that needs one, exit 1', async () => {
      const r = await runRaw('none', `pipeline: named.yaml\n${CASE}`);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /named\.yaml:6:12: sinks\[0\]\.store: names the object-store binding "orders-archive": give the bindings/,
      );
    });

    it('a bindings file that does not exist is an error at the test file line, exit 1', async () => {
      const r = await runRaw('missing', `pipeline: named.yaml\nbindings: nowhere.yaml\n${CASE}`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /missing\.test\.yaml:2:\d+: bindings: no bindings file .*nowhere\.yaml/);
    });
  });

  it('the shipped examples pass their own unit tests', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const { stdout } = await execFileAsync(process.execPath, [bin, 'test', 'examples'], { cwd: root });
    assert.match(stdout, /^datapipe test: [1-9]\d* passed, 0 failed$/m);
  });
});
