/**
 * The bare-metal etcd backup, for real: scripts/etcd-backup/etcd-backup.sh against the etcd and the
 * S3-compatible server started by `npm run services:up -- etcd s3`. snapshot → encrypt → upload →
 * download → decrypt → `snapshot restore` → a new etcd on the restored data dir serves the keys.
 * Fails (never skips) when a service is down.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { services } from '../support/services.ts';

const run = promisify(execFile);
const SCRIPT = new URL('../../scripts/etcd-backup/etcd-backup.sh', import.meta.url).pathname;
const ETCD = services.etcd.endpoints[0]!;
const runId = randomBytes(4).toString('hex');
const bucket = `etcd-backup-test-${runId}`;
const prefix = `shop/etcd-${runId}`;
const work = mkdtempSync(join(tmpdir(), 'etcd-backup-test-'));
const passphraseFile = join(work, 'passphrase');
const keys: Record<string, string> = {
  [`/registry/namespaces/shop-${runId}`]: `namespace shop ${runId}`,
  [`/registry/secrets/shop-${runId}/db`]: `secret value ${runId}`,
};

let s3: S3Client;
let restoredEtcd: ChildProcess | undefined;

function s3Env(): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: work,
    TMPDIR: work,
    ETCDCTL_API: '3',
    ETCDCTL_ENDPOINTS: ETCD,
    BACKUP_BUCKET: bucket,
    BACKUP_PREFIX: prefix,
    BACKUP_PASSPHRASE_FILE: passphraseFile,
    S3_ENDPOINT: services.s3.endpoint,
    AWS_ACCESS_KEY_ID: services.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: services.s3.secretAccessKey(),
    AWS_DEFAULT_REGION: services.s3.region,
  };
}

async function script(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run('bash', [SCRIPT, ...args], {
    env: { ...s3Env(), ...extra },
    timeout: 120_000,
  });
  return stdout.trim();
}

async function etcdctl(endpoint: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    services.etcd.etcdctl,
    [`--endpoints=${endpoint}`, '--dial-timeout=3s', ...args],
    {
      env: { ...process.env, ETCDCTL_API: '3' },
    },
  );
  return stdout;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function bodyOf(key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

async function waitHealthy(endpoint: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await etcdctl(endpoint, 'endpoint', 'health');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`restored etcd at ${endpoint} never became healthy`);
}

async function prepare(): Promise<void> {
  try {
    await etcdctl(ETCD, 'endpoint', 'health');
  } catch (err) {
    assert.fail(`etcd is not answering at ${ETCD}: run \`npm run services:up -- etcd s3\` (${String(err)})`);
  }
  let secret: string;
  try {
    secret = services.s3.secretAccessKey();
  } catch (err) {
    assert.fail(`the S3 server was never started: run \`npm run services:up -- etcd s3\` (${String(err)})`);
  }
  s3 = new S3Client({
    endpoint: services.s3.endpoint,
    region: services.s3.region,
    forcePathStyle: services.s3.forcePathStyle,
    credentials: { accessKeyId: services.s3.accessKeyId, secretAccessKey: secret },
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    assert.fail(
      `the S3 server is not answering at ${services.s3.endpoint}: run \`npm run services:up -- etcd s3\` (${String(err)})`,
    );
  }
  writeFileSync(passphraseFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  for (const [k, v] of Object.entries(keys)) await etcdctl(ETCD, 'put', k, v);
}

describe('etcd backup and restore (real etcd, real S3 server)', () => {
  // A down service fails every test (a failing `before` hook would only cancel them).
  let ready: Promise<void> = Promise.resolve();
  before(() => {
    ready = prepare();
    ready.catch(() => undefined);
  });

  after(async () => {
    restoredEtcd?.kill('SIGTERM');
    for (const k of Object.keys(keys)) await etcdctl(ETCD, 'del', k).catch(() => undefined);
    if (s3) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
      const objects = (listed?.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (objects.length > 0)
        await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      s3.destroy();
    }
    rmSync(work, { recursive: true, force: true });
  });

  let uploaded = '';

  test('backup uploads an encrypted snapshot and its checksum, and prunes expired backups', async () => {
    await ready;
    // An expired backup from "2001" and its checksum: the run must delete them.
    const expired = `${prefix}/etcd-20010101T000000Z.db.enc`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: expired, Body: 'old' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${expired}.sha256`, Body: 'old' }));

    uploaded = await script(['backup'], { BACKUP_RETENTION_DAYS: '14' });
    assert.match(uploaded, new RegExp(`^${prefix}/etcd-\\d{8}T\\d{6}Z\\.db\\.enc$`));

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }));
    const names = (listed.Contents ?? []).map((o) => o.Key).sort();
    assert.deepEqual(names, [uploaded, `${uploaded}.sha256`]);

    const body = await bodyOf(uploaded);
    assert.equal(body.subarray(0, 8).toString('latin1'), 'Salted__', 'openssl salted ciphertext');
    for (const value of Object.values(keys))
      assert.equal(body.includes(value), false, 'no plaintext value in the upload');
    assert.match((await bodyOf(`${uploaded}.sha256`)).toString(), /^[0-9a-f]{64} {2}snapshot\.db\n$/);
  });

  test('restore with a wrong passphrase fails and leaves no data dir', async () => {
    await ready;
    const wrong = join(work, 'wrong-passphrase');
    writeFileSync(wrong, 'not the passphrase\n', { mode: 0o600 });
    const dataDir = join(work, 'wrong-restore');
    await assert.rejects(
      script(['restore', uploaded], { BACKUP_PASSPHRASE_FILE: wrong, RESTORE_DATA_DIR: dataDir }),
      /cannot decrypt|checksum/,
    );
    assert.equal(existsSync(dataDir), false);
  });

  test('restore → a new etcd on the restored data dir serves the keys', async () => {
    await ready;
    const dataDir = join(work, 'restored');
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    // No key: restore picks the newest backup, the one just uploaded.
    await script(['restore'], {
      RESTORE_DATA_DIR: dataDir,
      RESTORE_NAME: 'restored',
      RESTORE_PEER_URL: peerUrl,
    });

    restoredEtcd = spawn(
      'etcd',
      [
        '--name=restored',
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=restored=${peerUrl}`,
        '--log-level=error',
        '--logger=zap',
      ],
      { stdio: 'ignore' },
    );
    await waitHealthy(clientUrl);
    for (const [k, v] of Object.entries(keys)) {
      assert.equal(await etcdctl(clientUrl, 'get', k, '--print-value-only'), `${v}\n`, `key ${k} is back`);
    }
  });
});
