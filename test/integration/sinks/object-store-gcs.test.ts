/**
 * The object-store sink's gcs driver against the GCS-API server of `npm run services:up -- gcs`
 * (fake-gcs-server, http://127.0.0.1:19443, `auth: none`): JSONL and Parquet written and read back;
 * replays with other batch boundaries store every record exactly once; resumable uploads above
 * `partSize`; a missing bucket is fatal; a bad record is failed alone; the server stopped under a write
 * loses nothing; `datapipe run` killed with SIGKILL and run again stores every record exactly once.
 * Fails when the server is down.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { parquetReadObjects } from 'hyparquet';
import { GcsDriver } from '../../../src/sinks/object-store/drivers/gcs.ts';
import type { ObjectStoreSink } from '../../../src/sinks/object-store/sink.ts';
import {
  crashMidway,
  fileSourceCommitted,
  runDatapipeSummary,
  writeJsonLines,
} from '../../support/datapipe-process.ts';
import { services } from '../../support/services.ts';
import {
  ctx,
  driverContractTests,
  dropGcsBucket,
  idsOf,
  objectStoreSink,
  records,
  storedIds,
  storedNames,
} from './object-store-support.ts';

const { endpoint: ENDPOINT, projectId } = services.gcs;
const bucketName = `datapipe-test-${Date.now().toString(36)}`;
const admin = new Storage({ apiEndpoint: ENDPOINT, projectId });

function options(extra: Record<string, unknown> = {}, bucket = bucketName) {
  return objectStoreSink.options.parse({
    driver: 'gcs',
    bucket,
    endpoint: ENDPOINT,
    auth: 'none',
    ...extra,
  });
}

function sink(extra: Record<string, unknown> = {}): ObjectStoreSink {
  return objectStoreSink.create(options(extra), ctx) as ObjectStoreSink;
}

describe('object-store sink, gcs driver (GCS-API server)', () => {
  before(async () => {
    await admin.bucket(bucketName).create();
  });
  after(async () => {
    await dropGcsBucket(admin, bucketName);
  });

  test('parquet objects read back with their columns', async () => {
    const s = sink({ prefix: 'pq/', format: 'parquet', fields: 'record' });
    await s.connect();
    await s.write(records(0, 9));
    const [name] = await storedNames(s.driver, 'pq/');
    assert.equal(name, 'pq/orders/partition=0/0000000000-0000000009.parquet');
    const body = await s.driver.get(name!);
    const [metadata] = await admin.bucket(bucketName).file(name!).getMetadata();
    assert.equal(metadata.contentType, 'application/vnd.apache.parquet');
    const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    const rows = await parquetReadObjects({ file });
    assert.deepEqual(
      rows.map((r) => [r['id'], r['_offset']]),
      Array.from({ length: 10 }, (_, i) => [`0-${i}`, BigInt(i)]),
    );
    await s.close();
  });

  test('an object larger than partSize goes up as a resumable upload and reads back whole', async () => {
    const s = sink({ prefix: 'big/', partSize: 5 * 1024 * 1024 });
    await s.connect();
    const batch = records(0, 119, 0, 100_000); // ~12 MB of JSON: three chunks
    await s.write(batch);
    assert.deepEqual(await storedIds(s.driver, 'big/'), idsOf(batch));
    await s.close();
  });

  driverContractTests('gcs', sink, {
    compression: 'gzip',
    missing: { bucket: `missing-${Date.now().toString(36)}` },
  });
});

describe('gcs: kill -9 and replay', () => {
  const RECORDS = 100_000;
  const KILL_AFTER_COMMITTED = 8_000;
  const prefix = 'crash/';
  const crashBucket = `${bucketName}-crash`;
  let dir: string;
  /** The rerun batches differently (as time-based flushes do), so its objects cannot just overwrite. */
  const pipelineText = (maxRecords: number): string =>
    [
      'name: gcs-crash',
      'source: { type: file, path: data/orders.jsonl }',
      'sinks:',
      '  - name: archive',
      '    type: object-store',
      '    driver: gcs',
      `    bucket: ${crashBucket}`,
      `    endpoint: ${ENDPOINT}`,
      '    auth: none',
      `    prefix: ${prefix}`,
      `    batch: { maxRecords: ${maxRecords}, linger: 50ms }`,
      'observability: { enabled: false }',
    ].join('\n');

  before(async () => {
    await admin.bucket(crashBucket).create();
    dir = await mkdtemp(join(tmpdir(), 'datapipe-gcs-crash-'));
    await mkdir(join(dir, 'data'));
    // Small objects, so the run spans many engine commits (one a second) and the kill lands before its end
    // however fast the server answers: with 1,000-record objects a fast run ended between two checkpoints.
    await writeFile(join(dir, 'pipeline.yaml'), pipelineText(100));
    await writeJsonLines(join(dir, 'data/orders.jsonl'), RECORDS, (i) => ({ id: `o${i}` }));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropGcsBucket(admin, crashBucket);
  });

  const committedLine = () => fileSourceCommitted(dir, 'gcs-crash');

  test('after SIGKILL in the middle and a rerun, every record is stored exactly once', {
    timeout: 300_000,
  }, async (t) => {
    const pipeline = join(dir, 'pipeline.yaml');
    const committedAtCrash = await crashMidway(pipeline, {
      cwd: dir,
      committed: committedLine,
      after: KILL_AFTER_COMMITTED,
      total: RECORDS,
    });
    const reader = new GcsDriver(options({}, crashBucket));
    t.diagnostic(
      `at the crash: committed ${committedAtCrash}, stored ${(await storedIds(reader, prefix)).length}`,
    );

    await writeFile(pipeline, pipelineText(77));
    const summary = await runDatapipeSummary(pipeline, { cwd: dir });
    assert.equal(summary.records_in, RECORDS - committedAtCrash, 'the rerun resumed at the checkpoint');
    assert.equal(summary.dead_lettered, 0);

    const ids = await storedIds(reader, prefix);
    assert.equal(ids.length, RECORDS, 'every record stored, none twice');
    assert.deepEqual(new Set(ids), new Set(Array.from({ length: RECORDS }, (_, i) => `o${i}`)));
  });
});

describe('gcs: a bad record through `datapipe run`', () => {
  const dlqBucket = `${bucketName}-dlq`;
  let dir: string;
  before(async () => {
    await admin.bucket(dlqBucket).create();
    dir = await mkdtemp(join(tmpdir(), 'datapipe-gcs-dlq-'));
    await mkdir(join(dir, 'data'));
    // Record 3's amount is text where the Parquet schema says DOUBLE: it cannot be stored.
    const lines = Array.from({ length: 8 }, (_, i) =>
      JSON.stringify({ id: `o${i}`, amount: i === 3 ? 'n/a' : i * 1.5 }),
    );
    await writeFile(join(dir, 'data/orders.jsonl'), `${lines.join('\n')}\n`);
    await writeFile(
      join(dir, 'pipeline.yaml'),
      [
        'name: gcs-dlq',
        'source: { type: file, path: data/orders.jsonl }',
        'sinks:',
        '  - name: archive',
        '    type: object-store',
        '    driver: gcs',
        `    bucket: ${dlqBucket}`,
        `    endpoint: ${ENDPOINT}`,
        '    auth: none',
        '    format: parquet',
        '    schema: { id: STRING, amount: DOUBLE }',
        'observability: { enabled: false }',
      ].join('\n'),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropGcsBucket(admin, dlqBucket);
  });

  test('is dead-lettered with its error; every other record lands in GCS', { timeout: 120_000 }, async () => {
    const summary = await runDatapipeSummary(join(dir, 'pipeline.yaml'), { cwd: dir });
    assert.equal(summary.records_in, 8);
    assert.equal(summary.dead_lettered, 1);
    const dlq = (await readFile(join(dir, '.datapipe/gcs-dlq/dead-letter.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(dlq.length, 1);
    const entry = JSON.parse(dlq[0]!);
    assert.deepEqual(JSON.parse(entry.value), { id: 'o3', amount: 'n/a' });
    assert.equal(entry.headers['datapipe.dlq.error.code'], 'DP_OBJECT_STORE_RECORD');
    assert.equal(entry.headers['datapipe.dlq.stage'], 'sink:archive');
    const reader = new GcsDriver(options({}, dlqBucket));
    const ids: unknown[] = [];
    for (const name of await storedNames(reader, '')) {
      const body = await reader.get(name);
      const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
      for (const row of await parquetReadObjects({ file })) ids.push(row['id']);
    }
    assert.deepEqual(ids.sort(), ['o0', 'o1', 'o2', 'o4', 'o5', 'o6', 'o7']);
  });
});
