import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { services } from '../../support/services.ts';

const run = promisify(execFile);
const { iceberg, s3 } = services;

// PyIceberg alone (not our sink): create a table through the catalog, append through S3FileIO, read back.
const SMOKE = `
import os, sys, pyarrow as pa
from pyiceberg.catalog.rest import RestCatalog
cat = RestCatalog("smoke", uri=sys.argv[1], **{"s3.endpoint": os.environ["S3_ENDPOINT"], "s3.access-key-id": os.environ["S3_KEY"],
    "s3.secret-access-key": os.environ["S3_SECRET"], "s3.region": "us-east-1", "s3.path-style-access": "true"})
cat.create_namespace(sys.argv[2])
t = cat.create_table(sys.argv[2] + ".t", schema=pa.schema([("id", pa.int64()), ("name", pa.string())]))
t.append(pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"]}))
rows = cat.load_table(sys.argv[2] + ".t").scan().to_arrow().sort_by("id").to_pylist()
print(t.metadata.location)
print(",".join(f"{r['id']}:{r['name']}" for r in rows))
`;

test('iceberg: the REST catalog answers, and PyIceberg creates, appends to and reads a table in S3', {
  timeout: 120_000,
}, async () => {
  const config = (await (await fetch(`${iceberg.uri}/v1/config`)).json()) as Record<string, unknown>;
  assert.ok('defaults' in config && 'overrides' in config);
  const namespace = `smoke${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const { stdout } = await run(iceberg.python, ['-c', SMOKE, iceberg.uri, namespace], {
    env: {
      ...process.env,
      S3_ENDPOINT: s3.endpoint,
      S3_KEY: s3.accessKeyId,
      S3_SECRET: s3.secretAccessKey(),
    },
    timeout: 100_000,
  });
  const [location, rows] = stdout.trim().split('\n');
  assert.equal(location, `s3://${iceberg.bucket}/warehouse/${namespace}/t`);
  assert.equal(rows, '1:a,2:b,3:c');
  const listed = (await (await fetch(`${iceberg.uri}/v1/namespaces/${namespace}/tables`)).json()) as {
    identifiers: Array<{ name: string }>;
  };
  assert.deepEqual(
    listed.identifiers.map((i) => i.name),
    ['t'],
  );
});
