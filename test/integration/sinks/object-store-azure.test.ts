/**
 * The object-store sink's azure-blob driver against Azurite (`npm run services:up -- azurite`):
 * connection string, account key and SAS credentials; replays with other batch boundaries store every
 * record exactly once; multi-block uploads; a wrong key or a missing container is fatal. Fails when
 * Azurite is down.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { ObjectStoreSink } from '../../../src/sinks/object-store/sink.ts';
import { services } from '../../support/services.ts';
import {
  assertFatal,
  driverContractTests,
  idsOf,
  openObjectStore,
  records,
  storedIds,
  storedNames,
} from './object-store-support.ts';

const {
  accountName: ACCOUNT,
  accountKey: KEY,
  blobEndpoint: ACCOUNT_URL,
  connectionString: CONNECTION_STRING,
} = services.azurite;
const container = `datapipe-test-${randomBytes(4).toString('hex')}`;
const service = BlobServiceClient.fromConnectionString(CONNECTION_STRING, { retryOptions: { maxTries: 1 } });

function sink(extra: Record<string, unknown> = {}): ObjectStoreSink {
  return openObjectStore({ driver: 'azure-blob', container, connectionString: CONNECTION_STRING, ...extra });
}

describe('object-store sink, azure-blob driver (Azurite)', () => {
  before(async () => {
    await service.getContainerClient(container).create();
  });
  after(async () => {
    await service.getContainerClient(container).deleteIfExists();
  });

  test('authenticates with an account URL plus account key, or plus a SAS token', async () => {
    const sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3_600_000),
        permissions: AccountSASPermissions.parse('rwlc'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      new StorageSharedKeyCredential(ACCOUNT, KEY),
    ).toString();
    for (const [label, creds] of [
      ['key', { accountUrl: ACCOUNT_URL, accountKey: KEY }],
      ['sas', { accountUrl: ACCOUNT_URL, sasToken: sas }],
    ] as const) {
      const s = sink({ connectionString: undefined, prefix: `${label}/`, ...creds });
      await s.connect();
      await s.write(records(0, 9));
      assert.deepEqual(await storedIds(s.driver, `${label}/`), idsOf(records(0, 9)));
      await s.close();
    }
  });

  test('an object larger than partSize is uploaded in blocks and reads back whole', async () => {
    const s = sink({ prefix: 'big/', partSize: 5 * 1024 * 1024 });
    await s.connect();
    const batch = records(0, 79, 0, 100_000); // ~8 MB of JSON
    await s.write(batch);
    const [name] = await storedNames(s.driver, 'big/');
    const blob = service.getContainerClient(container).getBlockBlobClient(name!);
    const blocks = await blob.getBlockList('committed');
    assert.ok((blocks.committedBlocks?.length ?? 0) >= 2, 'uploaded as several blocks');
    assert.deepEqual(await storedIds(s.driver, 'big/'), idsOf(batch));
    await s.close();
  });

  test('a wrong account key is a FatalError (authorization), not retried forever', async () => {
    const wrong = Buffer.from('not the key').toString('base64');
    const s = sink({ connectionString: undefined, accountUrl: ACCOUNT_URL, accountKey: wrong });
    await assertFatal(s.connect(), 'DP_OBJECT_STORE_AUTH');
  });

  driverContractTests('azurite', sink, {
    compression: 'gzip',
    missing: { container: `missing-${randomBytes(4).toString('hex')}` },
  });
});
