import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { services } from '../../support/services.ts';

const { s3 } = services;

test('s3: put, get, list and multipart upload', { timeout: 60_000 }, async () => {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey() },
  });
  const Bucket = `smoke-${randomUUID()}`;
  const keys: string[] = [];
  try {
    await client.send(new CreateBucketCommand({ Bucket }));
    const buckets = await client.send(new ListBucketsCommand({}));
    assert.ok(buckets.Buckets?.some((b) => b.Name === Bucket));

    await client.send(new PutObjectCommand({ Bucket, Key: 'dir/hello.txt', Body: 'hello s3' }));
    keys.push('dir/hello.txt');
    const got = await client.send(new GetObjectCommand({ Bucket, Key: 'dir/hello.txt' }));
    assert.equal(await got.Body?.transformToString(), 'hello s3');

    // 11 MiB in 5 MiB parts -> 3 parts, a real multipart upload
    const big = randomBytes(11 * 1024 * 1024);
    const upload = new Upload({
      client,
      params: { Bucket, Key: 'dir/big.bin', Body: big },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
    });
    const done = await upload.done();
    keys.push('dir/big.bin');
    assert.ok(done.ETag?.includes('-3'), `multipart ETag expected, got ${done.ETag}`);
    const back = await client.send(new GetObjectCommand({ Bucket, Key: 'dir/big.bin' }));
    assert.ok(Buffer.from(await back.Body!.transformToByteArray()).equals(big));

    const listed = await client.send(new ListObjectsV2Command({ Bucket, Prefix: 'dir/' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key).sort(), ['dir/big.bin', 'dir/hello.txt']);
    assert.equal(listed.KeyCount, 2);
  } finally {
    for (const Key of keys) await client.send(new DeleteObjectCommand({ Bucket, Key })).catch(() => {});
    await client.send(new DeleteBucketCommand({ Bucket })).catch(() => {});
    client.destroy();
  }
});
