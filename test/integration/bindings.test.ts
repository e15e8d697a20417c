/**
 * One pipeline file, three bindings: `datapipe run pipeline.yaml --bindings <target>.yaml` lands the same
 * records in S3 (S3Proxy, keys from a Secret-like file), Azure Blob (Azurite) and GCS (fake-gcs-server),
 * the pipeline file untouched (one sha256). Needs `npm run services:up -- s3 azurite gcs`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { Storage } from '@google-cloud/storage';
import { objectStoreDrivers, pipelinePlugins } from '../../src/cli/plugins.ts';
import { loadBindingsFile } from '../../src/config/bindings.ts';
import { objectStoreOptions } from '../../src/sinks/object-store/options.ts';
import { runDatapipeSummary } from '../support/datapipe-process.ts';
import { services, stateDir } from '../support/services.ts';
import { dropGcsBucket, storedIds } from './sinks/object-store-support.ts';

const RECORDS = 500;
const name = `bind-${randomBytes(4).toString('hex')}`;

const PIPELINE = `name: portable
source: { type: file, path: orders.jsonl }
sinks:
  - name: archive
    type: object-store
    store: orders-archive
    prefix: orders/
    compression: gzip
    batch: { maxRecords: 200 }
observability: { enabled: false }
`;

const PIPELINE_SHA = createHash('sha256').update(PIPELINE).digest('hex');

const BINDINGS: Record<string, string> = {
  s3: `target: baremetal
bindings:
  orders-archive:
    type: object-store
    driver: s3
    bucket: ${name}
    endpoint: ${services.s3.endpoint}
    forcePathStyle: true
    accessKeyId: ${services.s3.accessKeyId}
    secretAccessKey: \${file:${join(stateDir, 's3-secret')}}
`,
  azure: `target: azure
bindings:
  orders-archive:
    type: object-store
    driver: azure-blob
    container: ${name}
    connectionString: "\${AZURITE_CONNECTION_STRING}"
`,
  gcs: `target: gcp
bindings:
  orders-archive:
    type: object-store
    driver: gcs
    bucket: ${name}
    endpoint: ${services.gcs.endpoint}
    auth: none
`,
};

let dir: string;
let s3: S3Client;
const azure = BlobServiceClient.fromConnectionString(services.azurite.connectionString);
const gcs = new Storage({ apiEndpoint: services.gcs.endpoint, projectId: services.gcs.projectId });

describe('the same pipeline file on three stores, through bindings', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'datapipe-bindings-'));
    const lines = Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ id: `o${i}` }));
    await writeFile(join(dir, 'orders.jsonl'), `${lines.join('\n')}\n`);
    s3 = new S3Client({
      endpoint: services.s3.endpoint,
      region: services.s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: services.s3.accessKeyId, secretAccessKey: services.s3.secretAccessKey() },
    });
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await azure.getContainerClient(name).create();
    await gcs.bucket(name).create();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: name }));
    for (const o of listed.Contents ?? [])
      await s3.send(new DeleteObjectCommand({ Bucket: name, Key: o.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: name }));
    s3.destroy();
    await azure.getContainerClient(name).deleteIfExists();
    await dropGcsBucket(gcs, name);
  });

  for (const target of Object.keys(BINDINGS)) {
    test(`${target}: every record lands once, the pipeline file unchanged`, {
      timeout: 120_000,
    }, async () => {
      // Its own folder per target: the file source keeps its checkpoint next to the pipeline file.
      const folder = join(dir, target);
      await mkdir(folder);
      await copyFile(join(dir, 'orders.jsonl'), join(folder, 'orders.jsonl'));
      const pipeline = join(folder, 'pipeline.yaml');
      await writeFile(pipeline, PIPELINE);
      const bindingsFile = join(dir, `${target}.yaml`);
      await writeFile(bindingsFile, BINDINGS[target]!);
      process.env['AZURITE_CONNECTION_STRING'] = services.azurite.connectionString;
      const summary = await runDatapipeSummary(pipeline, { cwd: folder, args: ['--bindings', bindingsFile] });
      assert.equal(summary.records_in, RECORDS);
      assert.equal(
        createHash('sha256')
          .update(await readFile(pipeline))
          .digest('hex'),
        PIPELINE_SHA,
      );
      // Read back with the binding's own connection, through the driver the binding names.
      const binding = loadBindingsFile(bindingsFile, pipelinePlugins);
      const fields = binding.byName.get('orders-archive')!.fields;
      const driver = await objectStoreDrivers.open(objectStoreOptions.parse(fields), dir);
      const ids = await storedIds(driver, 'orders/');
      assert.equal(ids.length, RECORDS);
      assert.deepEqual(new Set(ids), new Set(Array.from({ length: RECORDS }, (_, i) => `o${i}`)));
      await driver.close();
    });
  }
});
