import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { DataError, FatalError } from '../core/errors.ts';
import type { PipelineRecord, PluginContext } from '../core/plugin.ts';
import { sqliteSink } from './sqlite.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-sqlite-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = (): PluginContext => ({
  pipelineName: 'test',
  name: 'db',
  logger: pino({ level: 'silent' }),
  baseDir: dir,
  stateDir: join(dir, 'state'),
});

function record(offset: number, value: unknown, key: string | null = null, partition = 0): PipelineRecord {
  return {
    position: { topic: 'orders', partition, offset },
    key,
    value,
    headers: {},
    timestamp: 1_700_000_000_000 + offset,
    sizeBytes: 100,
  };
}

function rows(file: string, table: string): Array<Record<string, unknown>> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db
      .prepare(`SELECT * FROM "${table}" ORDER BY id`)
      .all()
      .map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

describe('sqlite sink', () => {
  test('creates the table in WAL mode and stores value JSON with key and position columns', async () => {
    const sink = sqliteSink.create(sqliteSink.options.parse({ path: 'out/a.db', table: 'orders' }), ctx());
    await sink.connect();
    assert.equal(
      await sink.write([record(0, { orderId: 'o1', total: 5 }, 'k1'), record(1, 'text')]),
      undefined,
    );
    await sink.close();
    const stored = rows(join(dir, 'out/a.db'), 'orders');
    assert.deepEqual(stored, [
      {
        id: 'orders/0/0',
        topic: 'orders',
        partition: 0,
        offset: 0,
        record_key: 'k1',
        timestamp: 1_700_000_000_000,
        value: '{"orderId":"o1","total":5}',
      },
      {
        id: 'orders/0/1',
        topic: 'orders',
        partition: 0,
        offset: 1,
        record_key: null,
        timestamp: 1_700_000_000_001,
        value: '"text"',
      },
    ]);
    const db = new DatabaseSync(join(dir, 'out/a.db'));
    assert.deepEqual({ ...db.prepare('PRAGMA journal_mode').get() }, { journal_mode: 'wal' });
    db.close();
  });

  test('is idempotent: replaying batches with other boundaries rewrites the same rows', async () => {
    const file = 'replay.db';
    const records = Array.from({ length: 50 }, (_, i) => record(i, { orderId: `o${i % 20}`, n: i }));
    const first = sqliteSink.create(sqliteSink.options.parse({ path: file, key: 'orderId' }), ctx());
    await first.connect();
    await first.write(records.slice(0, 30));
    await first.close();
    const afterFirst = rows(join(dir, file), 'records');

    const second = sqliteSink.create(sqliteSink.options.parse({ path: file, key: 'orderId' }), ctx());
    await second.connect();
    await second.write(records.slice(0, 7));
    await second.write(records.slice(7, 30));
    assert.deepEqual(rows(join(dir, file), 'records'), afterFirst, 'the replay changed nothing');
    await second.write(records.slice(30));
    await second.close();
    const final = rows(join(dir, file), 'records');
    assert.equal(final.length, 20, 'one row per orderId');
    assert.equal(
      JSON.parse(final.find((r) => r['id'] === 'o5')!['value'] as string).n,
      45,
      'the last write wins',
    );
  });

  test('stores every record of a fan-out under its own $position row, and a replay rewrites them', async () => {
    // Offsets 0..2, each fanned out to 2 records (index 0 and 1): 6 rows, ids by hand.
    const fanned = [0, 1, 2].flatMap((offset) => [
      record(offset, { n: offset }),
      {
        ...record(offset, { n: offset, copy: true }),
        position: { topic: 'orders', partition: 0, offset, index: 1 },
      },
    ]);
    const open = async () => {
      const s = sqliteSink.create(sqliteSink.options.parse({ path: 'fanout.db' }), ctx());
      await s.connect();
      return s;
    };
    const first = await open();
    await first.write(fanned.slice(0, 3)); // the batch ends inside the expansion of offset 1
    await first.close();
    const replay = await open();
    await replay.write(fanned.slice(1));
    await replay.close();
    assert.deepEqual(
      rows(join(dir, 'fanout.db'), 'records').map((r) => [r['id'], r['offset'], r['value']]),
      [
        ['orders/0/0', 0, '{"n":0}'],
        ['orders/0/0/1', 0, '{"n":0,"copy":true}'],
        ['orders/0/1', 1, '{"n":1}'],
        ['orders/0/1/1', 1, '{"n":1,"copy":true}'],
        ['orders/0/2', 2, '{"n":2}'],
        ['orders/0/2/1', 2, '{"n":2,"copy":true}'],
      ],
    );
  });

  test('keys by the record key with $key, by a nested field path, by position by default', async () => {
    const byKey = sqliteSink.create(
      sqliteSink.options.parse({ path: 'keys.db', table: 'by_key', key: '$key' }),
      ctx(),
    );
    await byKey.connect();
    await byKey.write([record(0, 1, 'a'), record(1, 2, 'a'), record(2, 3, 'b')]);
    await byKey.close();
    assert.deepEqual(
      rows(join(dir, 'keys.db'), 'by_key').map((r) => [r['id'], r['value']]),
      [
        ['a', '2'],
        ['b', '3'],
      ],
    );
    const nested = sqliteSink.create(
      sqliteSink.options.parse({ path: 'keys.db', table: 'nested', key: 'customer.id' }),
      ctx(),
    );
    await nested.connect();
    await nested.write([record(0, { customer: { id: 7 } })]);
    await nested.close();
    assert.deepEqual(
      rows(join(dir, 'keys.db'), 'nested').map((r) => r['id']),
      ['7'],
    );
  });

  test('a record without the key fails alone as a DataError; the rest of the batch is written', async () => {
    const sink = sqliteSink.create(sqliteSink.options.parse({ path: 'partial.db', key: 'orderId' }), ctx());
    await sink.connect();
    const result = await sink.write([
      record(0, { orderId: 'x' }),
      record(1, { other: 1 }),
      record(2, { orderId: 'y' }),
    ]);
    await sink.close();
    assert.equal(result?.failed?.length, 1);
    assert.equal(result?.failed?.[0]?.index, 1);
    assert.ok(result?.failed?.[0]?.error instanceof DataError);
    assert.deepEqual(
      rows(join(dir, 'partial.db'), 'records').map((r) => r['id']),
      ['x', 'y'],
    );
  });

  test('a file that is not a database is a FatalError', async () => {
    await writeFile(
      join(dir, 'not-a-db.db'),
      'this is not sqlite, just some text that is long enough'.repeat(100),
    );
    const sink = sqliteSink.create(sqliteSink.options.parse({ path: 'not-a-db.db' }), ctx());
    await assert.rejects(sink.connect(), FatalError);
  });

  test('rejects a table name that is not a plain identifier', () => {
    assert.equal(
      sqliteSink.options.safeParse({ path: 'x.db', table: 'a"; DROP TABLE x; --' }).success,
      false,
    );
  });
});
