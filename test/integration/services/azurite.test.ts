import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { services } from '../../support/services.ts';

test('azurite: upload, list and download a blob', { timeout: 30_000 }, async () => {
  const service = BlobServiceClient.fromConnectionString(services.azurite.connectionString);
  const container = service.getContainerClient(`smoke-${randomUUID()}`);
  await container.create();
  try {
    const blob = container.getBlockBlobClient('dir/hello.txt');
    const body = Buffer.from('hello azurite');
    await blob.uploadData(body);
    const names: string[] = [];
    for await (const item of container.listBlobsFlat({ prefix: 'dir/' })) names.push(item.name);
    assert.deepEqual(names, ['dir/hello.txt']);
    assert.ok((await blob.downloadToBuffer()).equals(body));
  } finally {
    await container.delete();
  }
});
