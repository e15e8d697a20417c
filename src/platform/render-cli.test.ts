/** `datapipe render` end to end, as a user runs it: files on disk, --diff, exit codes and messages. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXAMPLE } from './example.test-support.ts';

const BIN = fileURLToPath(new URL('../../bin/datapipe.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'render-cli-'));

function datapipe(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('render --target gcp --out DIR writes the kustomize tree, Terraform JSON and the runbook', () => {
  const dir = join(out, 'gcp');
  const r = datapipe('render', EXAMPLE, '--target', 'gcp', '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rendered for gcp into/);
  for (const f of [
    'kubernetes/kustomization.yaml',
    'kubernetes/workloads/deployment.yaml',
    'kubernetes/bindings/service-account.yaml',
    'provider/workload-authorization.tf.json',
    'RUNBOOK.md',
  ])
    assert.ok(existsSync(join(dir, f)), f);
  assert.match(
    readFileSync(join(dir, 'kubernetes/bindings/service-account.yaml'), 'utf8'),
    /iam\.gke\.io\/gcp-service-account: shop-orders-to-archive@shop-prod-4711\.iam\.gserviceaccount\.com/,
  );
  JSON.parse(readFileSync(join(dir, 'provider/workload-authorization.tf.json'), 'utf8'));

  // Rendering again into the same folder replaces the previous render.
  assert.equal(datapipe('render', EXAMPLE, '--target', 'baremetal', '--out', dir).code, 0);
  assert.ok(existsSync(join(dir, 'kubernetes/bindings/ip-address-pool.yaml')));
  assert.ok(!existsSync(join(dir, 'provider/dns-and-load-balancing.tf.json')), 'stale gcp file removed');
});

test('render refuses a folder holding files it did not generate', () => {
  const dir = join(out, 'foreign');
  mkdirSync(join(dir, 'kubernetes'), { recursive: true });
  writeFileSync(join(dir, 'kubernetes', 'mine.yaml'), 'kind: Mine\n');
  const r = datapipe('render', EXAMPLE, '--out', dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /did not generate/);
  assert.equal(readFileSync(join(dir, 'kubernetes', 'mine.yaml'), 'utf8'), 'kind: Mine\n');
});

test('render --diff aws azure shows only bindings and says the workloads are identical', () => {
  const r = datapipe('render', EXAMPLE, '--diff', 'aws', 'azure');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^--- aws\/RUNBOOK\.md$/m);
  assert.match(r.stdout, /^\+ {4}azure\.workload\.identity\/client-id: /m);
  assert.doesNotMatch(r.stdout, /^--- aws\/kubernetes\/workloads\//m);
  assert.match(r.stderr, /workload manifests identical/);
  const json = JSON.parse(datapipe('render', EXAMPLE, '--diff', 'gcp', 'baremetal', '-o', 'json').stdout) as {
    workloadsIdentical: boolean;
    files: { path: string }[];
  };
  assert.equal(json.workloadsIdentical, true);
  assert.ok(
    json.files.every((f) => /^(kubernetes\/bindings\/|provider\/|scripts\/|RUNBOOK\.md$)/.test(f.path)),
  );
});

test('an invalid platform file exits 1 with file:line:col and the field', () => {
  const bad = join(out, 'bad.yaml');
  writeFileSync(
    bad,
    readFileSync(EXAMPLE, 'utf8')
      .replace('  - name: shop-orders-archive\n', '  - name: Shop_Orders\n')
      .replaceAll(
        'pipelines/',
        `${join(fileURLToPath(new URL('../../examples/platform/', import.meta.url)), 'pipelines')}/`,
      ),
  );
  const r = datapipe('render', bad, '--target', 'aws', '--out', join(out, 'bad'));
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^${bad.replaceAll('/', '\\/')}:\\d+:\\d+: buckets\\[0\\]\\.name: must be a valid bucket name$`,
      'm',
    ),
  );
  assert.ok(!existsSync(join(out, 'bad')), 'nothing written');
});

test('bad flags exit 2', () => {
  assert.equal(datapipe('render', EXAMPLE, '--target', 'mars', '--out', join(out, 'x')).code, 2);
  assert.equal(datapipe('render', EXAMPLE, '--diff', 'aws').code, 2);
  assert.equal(datapipe('render', EXAMPLE).code, 2);
});
