/**
 * The object-store sink's s3 driver against the S3-compatible server of `npm run services:up -- s3`
 * (S3Proxy, path-style, http://127.0.0.1:19000, access key `datapipe`, secret in the services state
 * folder): credentials through a `${file:}` reference in a real pipeline file; replays with other batch
 * boundaries store every record exactly once; multipart uploads; wrong credentials and a missing bucket
 * are fatal. Fails when the server is down.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { pipelinePlugins } from '../../../src/cli/plugins.ts';
import { loadPipelineFile } from '../../../src/config/pipeline.ts';
import { FatalError } from '../../../src/core/errors.ts';
import type { S3Driver } from '../../../src/sinks/object-store/drivers/s3.ts';
import type { ObjectStoreSink } from '../../../src/sinks/object-store/sink.ts';
import { services, stateDir } from '../../support/services.ts';
import { selfSignedCertificate } from '../../support/tls.ts';
import {
  assertFatal,
  driverContractTests,
  idsOf,
  openObjectStore,
  records,
  storedIds,
  storedNames,
} from './object-store-support.ts';

const { endpoint: ENDPOINT, accessKeyId: ACCESS_KEY, region: REGION } = services.s3;
const SECRET_FILE = join(stateDir, 's3-secret');
const bucket = `datapipe-test-${randomBytes(4).toString('hex')}`;

let secret: string;
let admin: S3Client;
let dir: string;

function sinkOptions(): Record<string, unknown> {
  return {
    driver: 's3',
    bucket,
    endpoint: ENDPOINT,
    region: REGION,
    forcePathStyle: true,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: secret,
  };
}

function sink(extra: Record<string, unknown> = {}): ObjectStoreSink {
  return openObjectStore({ ...sinkOptions(), ...extra });
}

describe('object-store sink, s3 driver (S3-compatible server)', () => {
  before(async () => {
    secret = services.s3.secretAccessKey();
    admin = new S3Client({
      endpoint: ENDPOINT,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: secret },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    dir = await mkdtemp(join(tmpdir(), 'datapipe-s3-'));
  });
  after(async () => {
    const listed = await admin.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of listed.Contents ?? []) {
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
    }
    await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
    admin.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('takes its credentials from a pipeline file through environment and file secret references', async () => {
    const file = join(dir, 'pipeline.yaml');
    await writeFile(
      file,
      [
        'name: s3-refs',
        'source: { type: generator, count: 1 }',
        'sinks:',
        '  - name: archive',
        '    type: object-store',
        '    driver: s3',
        `    bucket: ${bucket}`,
        `    endpoint: ${ENDPOINT}`,
        '    forcePathStyle: true',
        `    accessKeyId: \${DP_TEST_S3_KEY}`,
        `    secretAccessKey: \${file:${SECRET_FILE}}`,
        '    prefix: refs/',
      ].join('\n'),
    );
    const loaded = loadPipelineFile(file, pipelinePlugins, { DP_TEST_S3_KEY: ACCESS_KEY });
    const {
      type: _type,
      name: _name,
      when: _when,
      required: _r,
      batch: _b,
      retry: _rt,
      ...options
    } = loaded.config.sinks[0] as Record<string, unknown>;
    const s = openObjectStore(options);
    await s.connect();
    await s.write(records(0, 4));
    assert.deepEqual(await storedIds(s.driver, 'refs/'), idsOf(records(0, 4)));
    await s.close();
  });

  test('an object larger than partSize goes up as a multipart upload and reads back whole', async () => {
    const s = sink({ prefix: 'big/', partSize: 5 * 1024 * 1024 });
    await s.connect();
    const commands: string[] = [];
    (s.driver as S3Driver).client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize' },
    );
    const batch = records(0, 119, 0, 100_000); // ~12 MB of JSON: three parts
    await s.write(batch);
    assert.deepEqual(commands, [
      'ListObjectsV2Command', // the replay check: what is stored in this partition folder
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    const [name] = await storedNames(s.driver, 'big/');
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: name! }));
    assert.equal(head.ContentType, 'application/x-ndjson');
    assert.deepEqual(await storedIds(s.driver, 'big/'), idsOf(batch));
    await s.close();
  });

  test('server-side encryption options go with every upload (this server refuses them: a FatalError)', async () => {
    const s = sink({ prefix: 'sse/', sse: 'aws:kms', kmsKeyId: 'alias/datapipe' });
    await s.connect();
    const inputs: Array<Record<string, unknown>> = [];
    (s.driver as S3Driver).client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'PutObjectCommand') inputs.push(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize' },
    );
    // S3Proxy does not implement SSE and answers 501 NotImplemented: never retried, the run stops.
    await assert.rejects(s.write(records(0, 2)), (err: unknown) => err instanceof FatalError);
    assert.equal(inputs[0]?.['ServerSideEncryption'], 'aws:kms');
    assert.equal(inputs[0]?.['SSEKMSKeyId'], 'alias/datapipe');
    await s.close();
  });

  test('wrong credentials are a FatalError (authorization), not retried forever', async () => {
    const s = sink({ secretAccessKey: 'not-the-secret' });
    await assertFatal(s.connect(), 'DP_OBJECT_STORE_AUTH');
    await s.close();
  });

  test('bare metal: an HTTPS endpoint behind a private CA is trusted through caBundle, and refused without it', async () => {
    // A real TLS front (certificate signed by a CA made here) relaying TCP to the S3 server, as a
    // MinIO or Ceph RGW behind an internal CA would be.
    const tls = join(dir, 'tls');
    await mkdir(tls);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tls, stdio: 'pipe' });
    selfSignedCertificate(tls, 'ca', 'test-ca');
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'store.key',
      '-out',
      'store.csr',
    );
    await writeFile(join(tls, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'store.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'san.ext',
      '-out',
      'store.crt',
    );
    const upstream = new URL(ENDPOINT);
    const front = createTlsServer(
      { key: await readFile(join(tls, 'store.key')), cert: await readFile(join(tls, 'store.crt')) },
      (client) => {
        const server = connect(Number(upstream.port), upstream.hostname);
        client.on('error', () => server.destroy());
        server.on('error', () => client.destroy());
        client.pipe(server).pipe(client);
      },
    );
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const endpoint = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
    try {
      const untrusted = sink({ endpoint, prefix: 'tls/' });
      await assertFatal(untrusted.connect(), 'DP_OBJECT_STORE_TLS');
      await untrusted.close();
      // caBundle is relative to the pipeline file's folder (ctx.baseDir).
      const trusted = openObjectStore({
        ...sinkOptions(),
        endpoint,
        prefix: 'tls/',
        caBundle: join(tls, 'ca.crt'),
      });
      await trusted.connect();
      await trusted.write(records(0, 9));
      assert.deepEqual(await storedIds(trusted.driver, 'tls/'), idsOf(records(0, 9)));
      await trusted.close();
    } finally {
      front.close();
    }
  });

  driverContractTests('s3', sink, {
    compression: 'zstd',
    missing: { bucket: `missing-${randomBytes(4).toString('hex')}` },
  });
});
