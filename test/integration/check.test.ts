/**
 * `datapipe check`: a Kafka pipeline whose source, sinks and dead-letter topic are resolved through a
 * bindings file is proven against the real services (Kafka metadata and group, a probe object in S3, a
 * probe document in MongoDB, a probe row in PostgreSQL, a TCP connect to an HTTP receiver), leaving no
 * probe behind; then one endpoint is broken (a bucket that does not exist, a Kafka port with no broker)
 * and check names it, says how to fix it and exits 1. Needs `npm run services:up -- kafka s3 mongodb postgres`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, DeleteBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { HttpReceiver } from '../support/http-receiver.ts';
import { services, stateDir } from '../support/services.ts';
import { createTopic, datapipe, tempDir } from './kafka/support.ts';

const id = randomBytes(4).toString('hex');
const bucket = `check-${id}`;
const table = `check_${id}`;
const collection = `check_${id}`;
let dir: string;
let topic: string;
let s3: S3Client;
let receiver: HttpReceiver;

const pipeline = (t: string) => `name: check-${id}
source: { type: kafka, kafka: main, topics: [${t}] }
sinks:
  - { name: archive, type: object-store, store: orders-archive, prefix: "orders/dt={yyyy}/" }
  - { name: docs, type: mongodb, connection: shop-docs, database: datapipe_check, collection: ${collection} }
  - { name: rows, type: postgres, connection: shop-db, table: ${table}, columns: { id: $key } , keyColumns: [id] }
  - { name: hook, type: http, url: "${receiverUrl()}" }
observability: { enabled: false }
`;

function receiverUrl(): string {
  return receiver ? receiver.url : 'http://127.0.0.1:1/';
}

const bindings = (opts: { bucket: string; brokers: string }) => `target: baremetal
bindings:
  main: { type: kafka, brokers: [${opts.brokers}] }
  orders-archive:
    type: object-store
    driver: s3
    bucket: ${opts.bucket}
    endpoint: ${services.s3.endpoint}
    forcePathStyle: true
    accessKeyId: ${services.s3.accessKeyId}
    secretAccessKey: \${file:${join(stateDir, 's3-secret')}}
  shop-docs: { type: mongodb, uri: "${services.mongodb.url}" }
  shop-db: { type: postgres, connectionString: "${services.postgres.connectionString}" }
`;

describe('datapipe check', () => {
  before(async () => {
    dir = tempDir('datapipe-check-');
    topic = await createTopic(`check-${id}`, 1);
    s3 = new S3Client({
      endpoint: services.s3.endpoint,
      region: services.s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: services.s3.accessKeyId, secretAccessKey: services.s3.secretAccessKey() },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const db = new pg.Client({ connectionString: services.postgres.connectionString });
    await db.connect();
    await db.query(`CREATE TABLE ${table} (id text PRIMARY KEY)`);
    await db.end();
    receiver = new HttpReceiver();
    await receiver.start();
  });
  after(async () => {
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    s3.destroy();
    const db = new pg.Client({ connectionString: services.postgres.connectionString });
    await db.connect();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
    await receiver.stop();
  });

  test('every endpoint proven, nothing left behind, exit 0', { timeout: 120_000 }, async () => {
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, pipeline(topic));
    writeFileSync(join(dir, 'ok.yaml'), bindings({ bucket, brokers: services.kafka.bootstrap }));
    const run = await datapipe(['check', file, '--bindings', join(dir, 'ok.yaml'), '--output', 'json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const out = JSON.parse(run.stdout) as {
      ok: boolean;
      endpoints: { role: string; status: string; endpoint: string }[];
    };
    assert.equal(out.ok, true);
    const byRole = new Map(out.endpoints.map((e) => [e.role, e]));
    assert.equal(byRole.get('source')?.status, 'ok');
    assert.match(byRole.get('source')!.endpoint, new RegExp(services.kafka.bootstrap));
    assert.equal(byRole.get('sink archive')?.status, 'ok');
    assert.equal(byRole.get('sink docs')?.status, 'ok');
    assert.equal(byRole.get('sink rows')?.status, 'ok');
    // The http sink cannot be probed without sending data: reached, and said so.
    assert.equal(byRole.get('sink hook')?.status, 'skipped');
    assert.equal(receiver.requests.length, 0, 'check must not send a request to the http sink');
    // The default dead-letter topic (created on first use) on the source's cluster.
    assert.equal(byRole.get('dead-letter')?.status, 'ok');
    // No probe left in the store, the collection or the table; the secret never printed.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.equal(listed.KeyCount ?? 0, 0);
    const mongo = new MongoClient(services.mongodb.url);
    await mongo.connect();
    assert.equal(await mongo.db('datapipe_check').collection(collection).countDocuments(), 0);
    await mongo
      .db('datapipe_check')
      .collection(collection)
      .drop()
      .catch(() => {});
    await mongo.close();
    const db = new pg.Client({ connectionString: services.postgres.connectionString });
    await db.connect();
    assert.equal((await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 0);
    await db.end();
    assert.ok(!run.stdout.includes(services.s3.secretAccessKey()));
  });

  test('a missing bucket and an unreachable broker: named, with the fix, exit 1', {
    timeout: 120_000,
  }, async () => {
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, pipeline(topic));
    // Port 1 on the loopback: nothing listens there.
    writeFileSync(join(dir, 'bad.yaml'), bindings({ bucket: `${bucket}-missing`, brokers: '127.0.0.1:1' }));
    const run = await datapipe(['check', file, '--bindings', join(dir, 'bad.yaml')]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const lines = run.stdout.trim().split('\n');
    // source, 4 sinks, dead-letter: one line each.
    assert.equal(lines.length, 6, run.stdout);
    const archive = lines.find((l) => l.includes('sink archive'));
    assert.match(archive ?? '', /^FAILED .*s3:\/\/check-[0-9a-f]+-missing.*reach.*fix: create the bucket/);
    const source = lines.find((l) => l.includes('source (kafka)'));
    assert.match(source ?? '', /^FAILED .*kafka 127\.0\.0\.1:1: .*fix: check `brokers` of the binding/);
    // The working endpoints still pass on the same run.
    assert.match(lines.find((l) => l.includes('sink docs')) ?? '', /^ok /);
    assert.match(lines.find((l) => l.includes('sink rows')) ?? '', /^ok /);
    assert.ok(!run.stdout.includes(services.s3.secretAccessKey()));
  });
});
