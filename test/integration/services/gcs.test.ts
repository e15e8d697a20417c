import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { services } from '../../support/services.ts';

const { gcs } = services;

test('gcs: create a bucket, put, get, list and a resumable upload in chunks', {
  timeout: 60_000,
}, async () => {
  const storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: gcs.projectId });
  const bucket = storage.bucket(`smoke-${randomUUID()}`);
  try {
    await bucket.create();
    const [buckets] = await storage.getBuckets();
    assert.ok(buckets.some((b) => b.name === bucket.name));

    await bucket.file('dir/hello.txt').save('hello gcs', { resumable: false });
    const [hello] = await bucket.file('dir/hello.txt').download();
    assert.equal(hello.toString(), 'hello gcs');

    // 11 MiB in 5 MiB chunks: a real resumable upload of three requests
    const big = randomBytes(11 * 1024 * 1024);
    await bucket.file('dir/big.bin').save(big, { resumable: true, chunkSize: 5 * 1024 * 1024 });
    const [back] = await bucket.file('dir/big.bin').download();
    assert.ok(back.equals(big));

    const [files] = await bucket.getFiles({ prefix: 'dir/' });
    assert.deepEqual(files.map((f) => f.name).sort(), ['dir/big.bin', 'dir/hello.txt']);
  } finally {
    await bucket.deleteFiles({ force: true }).catch(() => {});
    await bucket.delete().catch(() => {});
  }
});
