import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { services } from '../../support/services.ts';

const run = promisify(execFile);
const { etcd } = services;

async function etcdctl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    etcd.etcdctl,
    [`--endpoints=${etcd.endpoints.join(',')}`, '--dial-timeout=3s', '--command-timeout=10s', ...args],
    { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 20_000 },
  );
  return stdout;
}

test('etcd: put, get and snapshot save', { timeout: 30_000 }, async () => {
  const key = `/datapipe/smoke/${randomUUID()}`;
  assert.match(await etcdctl('put', key, 'hello etcd'), /OK/);
  assert.equal(await etcdctl('get', key, '--print-value-only'), 'hello etcd\n');
  const dir = await mkdtemp(join(tmpdir(), 'etcd-smoke-'));
  try {
    const file = join(dir, 'snapshot.db');
    await etcdctl('snapshot', 'save', file);
    assert.ok((await stat(file)).size > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await etcdctl('del', key);
  }
});
