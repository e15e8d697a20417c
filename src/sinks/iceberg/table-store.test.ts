import assert from 'node:assert/strict';
import { it } from 'node:test';
import { icebergOptions } from './options.ts';
import { fileLocation } from './table-store.ts';

const opts = icebergOptions.parse({
  catalogUri: 'http://catalog:8181',
  namespace: 'lake',
  table: 'orders',
  s3: {
    endpoint: 'https://s3.shop.internal:9000',
    forcePathStyle: true,
    caBundle: '/etc/datapipe-ca/ca.crt',
  },
  gcs: { auth: 'workload' },
});

it('s3:// (and s3a://) locations go to the s3 driver with the s3 options', () => {
  const at = fileLocation('s3a://lake/db/orders/data/a.parquet', opts);
  assert.equal(at.store, 's3://lake');
  assert.equal(at.key, 'db/orders/data/a.parquet');
  assert.deepEqual(at.driver, {
    driver: 's3',
    bucket: 'lake',
    endpoint: 'https://s3.shop.internal:9000',
    forcePathStyle: true,
    caBundle: '/etc/datapipe-ca/ca.crt',
  });
});

it("gs:// locations (BigLake's warehouses) go to the gcs driver", () => {
  const at = fileLocation('gs://shop-lake/lake/orders/metadata/snap.avro', opts);
  assert.deepEqual(at, {
    store: 'gs://shop-lake',
    key: 'lake/orders/metadata/snap.avro',
    driver: { driver: 'gcs', bucket: 'shop-lake', auth: 'workload' },
  });
});

it('abfss:// and wasbs:// locations go to the azure-blob driver of the account, with the workload identity', () => {
  for (const location of [
    'abfss://lake@shopdata.dfs.core.windows.net/orders/data/a.parquet',
    'wasbs://lake@shopdata.blob.core.windows.net/orders/data/a.parquet',
  ]) {
    assert.deepEqual(fileLocation(location, opts), {
      store: 'https://shopdata.blob.core.windows.net/lake',
      key: 'orders/data/a.parquet',
      driver: {
        driver: 'azure-blob',
        accountUrl: 'https://shopdata.blob.core.windows.net',
        container: 'lake',
        auth: 'workload',
      },
    });
  }
});

it('another scheme is a fatal error naming the location', () => {
  assert.throws(
    () => fileLocation('hdfs://nn/warehouse/x', opts),
    /hdfs:\/\/nn\/warehouse\/x is not s3:\/\//,
  );
});
