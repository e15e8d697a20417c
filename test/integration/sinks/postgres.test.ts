/**
 * The postgres sink against the real PostgreSQL of `npm run services:up`: rows land and read back,
 * a server restart mid-run loses nothing, replays and in-batch duplicates do not duplicate rows, and
 * rows refused by constraints come back as `failed` (exactly those indexes) while the rest land.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { DataError, FatalError } from '../../../src/core/errors.ts';
import type { PipelineRecord, Sink } from '../../../src/core/plugin.ts';
import { testPluginContext } from '../../../src/runtime/test-fakes.ts';
import { postgresSink } from '../../../src/sinks/postgres/index.ts';
import { doublesIn, missingFrom } from '../../support/copies.ts';
import { repoRoot, runDatapipe } from '../../support/datapipe-process.ts';
import { services } from '../../support/services.ts';
import {
  assertRestartLosesNothing,
  readDeadLetters,
  sinkSet,
  testRecords,
} from '../../support/sink-tests.ts';

const CONNECTION = services.postgres.connectionString;
const SCHEMA = 'datapipe_sink_test';

const ctx = testPluginContext('postgres', repoRoot);

function records(count: number, start = 0, topic = 'orders'): PipelineRecord[] {
  return testRecords(count, start, topic, 2, (n) => ({
    key: `k-${n}`,
    value: { orderId: `o-${n}`, amount: n, customer: { name: `c${n}` }, note: 'a\tb\\c\nd' },
  }));
}

const sinks = sinkSet(postgresSink, ctx);

function sinkFor(table: string, extra: Record<string, unknown> = {}): Sink {
  return sinks.open({ connectionString: CONNECTION, table: `${SCHEMA}.${table}`, timeout: '5s', ...extra });
}

const ORDER_COLUMNS = {
  order_id: 'orderId',
  amount: 'amount',
  customer: 'customer.name',
  payload: '$value',
  src_offset: '$position.offset',
};

describe('postgres sink', () => {
  const db = new pg.Pool({ connectionString: CONNECTION, max: 1 });
  db.on('error', () => {});
  const query = async <T extends pg.QueryResultRow>(sql: string) => (await db.query<T>(sql)).rows;

  before(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await db.query(`CREATE SCHEMA ${SCHEMA}`);
    await db.query(`CREATE TABLE ${SCHEMA}.orders (
      order_id text PRIMARY KEY,
      amount numeric NOT NULL CHECK (amount >= 0),
      customer text,
      payload jsonb,
      src_offset bigint)`);
  });
  after(async () => {
    await sinks.closeAll();
    await db.end();
  });

  it('creates a table keyed by position, writes and reads back', async () => {
    const sink = sinkFor('events', { createTable: true });
    await sink.connect();
    assert.equal(await sink.write(records(50)), undefined);
    const rows = await query<Record<string, unknown>>(
      `SELECT topic, partition, "offset", key, value, timestamp FROM ${SCHEMA}.events ORDER BY "offset"`,
    );
    assert.equal(rows.length, 50);
    assert.deepEqual(rows[7], {
      topic: 'orders',
      partition: 2,
      offset: '7',
      key: 'k-7',
      value: { orderId: 'o-7', amount: 7, customer: { name: 'c7' }, note: 'a\tb\\c\nd' },
      timestamp: new Date(1_700_000_000_007),
    });
    const pk = await query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${SCHEMA}.events'::regclass AND contype = 'p'`,
    );
    // The default key includes the fan-out index (docs/decisions/0018-postgres-fan-out-default.md).
    assert.deepEqual(pk, [{ def: 'PRIMARY KEY (topic, partition, "offset", index)' }]);
  });

  it('replaying a batch rewrites the same rows: no duplicates', async () => {
    const sink = sinkFor('events', { createTable: true });
    await sink.write(records(50));
    await sink.write(records(60, 40));
    const [count] = await query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.events`);
    assert.equal(count?.n, '100');
  });

  it('a fan-out: copies get their own rows when $position.index is mapped, else they are refused, never overwritten', async () => {
    const [plain, second] = records(2, 500);
    const copy = {
      ...(plain as PipelineRecord),
      position: { ...(plain as PipelineRecord).position, index: 1 },
    };
    const fanned = [plain as PipelineRecord, { ...copy, value: { copy: true } }, second as PipelineRecord];
    const indexed = sinkFor('fanned', {
      createTable: true,
      columns: {
        topic: '$position.topic',
        partition: '$position.partition',
        offset: '$position.offset',
        copy_index: '$position.index',
        value: '$value',
      },
    });
    await indexed.connect();
    assert.equal(await indexed.write(fanned), undefined);
    assert.deepEqual(
      await query(`SELECT "offset", copy_index, value->>'copy' AS copy FROM ${SCHEMA}.fanned ORDER BY 1, 2`),
      [
        { offset: '500', copy_index: 0, copy: null },
        { offset: '500', copy_index: 1, copy: 'true' },
        { offset: '501', copy_index: 0, copy: null },
      ],
    );
    const pk = await query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${SCHEMA}.fanned'::regclass AND contype = 'p'`,
    );
    assert.deepEqual(pk, [{ def: 'PRIMARY KEY (topic, partition, "offset", copy_index)' }]);
    // Keyed by (topic, partition, offset) only: the copy cannot be told from the first record.
    const positional = sinkFor('fanned_positional', {
      createTable: true,
      columns: {
        topic: '$position.topic',
        partition: '$position.partition',
        offset: '$position.offset',
        value: '$value',
      },
    });
    await positional.connect();
    const result = await positional.write(fanned);
    assert.deepEqual(
      result?.failed?.map((f) => [f.index, f.error.code]),
      [[1, 'DP_POSTGRES_FANOUT_KEY']],
    );
    assert.deepEqual(
      await query(`SELECT "offset", value->>'copy' AS copy FROM ${SCHEMA}.fanned_positional ORDER BY 1`),
      [
        { offset: '500', copy: null },
        { offset: '501', copy: null },
      ],
    );
  });

  it('default columns: a table datapipe creates has the index column in its key, so every copy lands', async () => {
    const [plain, second] = records(2, 700);
    const fanned = [
      plain as PipelineRecord,
      {
        ...(plain as PipelineRecord),
        position: { ...(plain as PipelineRecord).position, index: 1 },
        value: { copy: 1 },
      },
      second as PipelineRecord,
    ];
    const sink = sinkFor('fanned_default', { createTable: true });
    await sink.connect();
    assert.equal(await sink.write(fanned), undefined);
    assert.equal(await sink.write(fanned), undefined, 'a replay rewrites the same rows');
    assert.deepEqual(
      await query(
        `SELECT "offset", "index", value->>'copy' AS copy FROM ${SCHEMA}.fanned_default ORDER BY 1, 2`,
      ),
      [
        { offset: '700', index: 0, copy: null },
        { offset: '700', index: 1, copy: '1' },
        { offset: '701', index: 0, copy: null },
      ],
    );
    const pk = await query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${SCHEMA}.fanned_default'::regclass AND contype = 'p'`,
    );
    assert.deepEqual(pk, [{ def: 'PRIMARY KEY (topic, partition, "offset", index)' }]);
  });

  it('default columns on a table of the earlier defaults: plain records land, copies are refused with the ALTER TABLE that fixes it', async () => {
    // The DDL earlier versions ran for createTable with the default columns (no index column).
    await query(`DROP TABLE IF EXISTS ${SCHEMA}.legacy_default`);
    await query(
      `CREATE TABLE ${SCHEMA}.legacy_default ("topic" text, "partition" integer, "offset" bigint, "key" text, "value" jsonb, "timestamp" timestamptz, PRIMARY KEY ("topic", "partition", "offset"))`,
    );
    const [plain, second] = records(2, 800);
    const copy = {
      ...(plain as PipelineRecord),
      position: { ...(plain as PipelineRecord).position, index: 1 },
      value: { copy: 1 },
    };
    const fanned = [plain as PipelineRecord, copy, second as PipelineRecord];
    const legacy = sinkFor('legacy_default', { createTable: true });
    await legacy.connect();
    const result = await legacy.write(fanned);
    assert.deepEqual(
      result?.failed?.map((f) => [f.index, f.error.code]),
      [[1, 'DP_POSTGRES_FANOUT_KEY']],
    );
    const statement = `ALTER TABLE "${SCHEMA}"."legacy_default" ADD COLUMN "index" integer NOT NULL DEFAULT 0, DROP CONSTRAINT "legacy_default_pkey", ADD PRIMARY KEY ("topic", "partition", "offset", "index")`;
    assert.ok(
      result?.failed?.[0]?.error.message.includes(statement),
      `the message carries the statement: ${result?.failed?.[0]?.error.message}`,
    );
    assert.deepEqual(
      await query(`SELECT "offset", value->>'copy' AS copy FROM ${SCHEMA}.legacy_default ORDER BY 1`),
      [
        { offset: '800', copy: null },
        { offset: '801', copy: null },
      ],
    );
    // The statement of the message, run as the user would, makes the table take every copy.
    await query(statement);
    const migrated = sinkFor('legacy_default', { createTable: true });
    await migrated.connect();
    assert.equal(await migrated.write(fanned), undefined);
    assert.deepEqual(
      await query(
        `SELECT "offset", "index", value->>'copy' AS copy FROM ${SCHEMA}.legacy_default ORDER BY 1, 2`,
      ),
      [
        { offset: '800', index: 0, copy: null },
        { offset: '800', index: 1, copy: '1' },
        { offset: '801', index: 0, copy: null },
      ],
    );
  });

  it('maps fields to columns; a key twice in a batch: last wins (upsert), first kept (ignore)', async () => {
    const upsert = sinkFor('orders', { columns: ORDER_COLUMNS, keyColumns: ['order_id'] });
    const base = records(3, 0, 'map');
    const batch: PipelineRecord[] = [
      { ...(base[0] as PipelineRecord), value: { orderId: 'A', amount: 1, customer: { name: 'x' } } },
      { ...(base[1] as PipelineRecord), value: { orderId: 'B', amount: 2.5 } },
      { ...(base[2] as PipelineRecord), value: { orderId: 'A', amount: 3, customer: { name: 'y' } } },
    ];
    assert.equal(await upsert.write(batch), undefined);
    assert.deepEqual(
      await query(`SELECT order_id, amount, customer, src_offset FROM ${SCHEMA}.orders ORDER BY 1`),
      [
        { order_id: 'A', amount: '3', customer: 'y', src_offset: '2' },
        { order_id: 'B', amount: '2.5', customer: null, src_offset: '1' },
      ],
    );
    const ignore = sinkFor('orders', {
      columns: ORDER_COLUMNS,
      keyColumns: ['order_id'],
      onConflict: 'ignore',
    });
    await ignore.write([{ ...(base[0] as PipelineRecord), value: { orderId: 'A', amount: 99 } }]);
    assert.deepEqual(await query(`SELECT amount FROM ${SCHEMA}.orders WHERE order_id = 'A'`), [
      { amount: '3' },
    ]);
    await db.query(`TRUNCATE ${SCHEMA}.orders`);
  });

  it('rows refused by constraints or types are `failed` by index; the rest of the batch lands', async () => {
    const sink = sinkFor('orders', { columns: ORDER_COLUMNS, keyColumns: ['order_id'] });
    const batch = records(20, 0, 'dlq');
    const bad = (i: number, value: unknown) => {
      batch[i] = { ...(batch[i] as PipelineRecord), value };
    };
    bad(2, { orderId: 'o-2', amount: -5 }); // CHECK violation (23514)
    bad(7, { orderId: 'o-7' }); // NOT NULL violation (23502)
    bad(13, { orderId: 'o-13', amount: 'lots' }); // not a number (22P02)
    bad(16, { amount: 1 }); // no primary key (23502)
    const result = await sink.write(batch);
    assert.deepEqual(
      result?.failed?.map((f) => f.index),
      [2, 7, 13, 16],
    );
    for (const f of result?.failed ?? []) {
      assert.ok(f.error instanceof DataError);
      assert.equal(f.error.code, 'DP_POSTGRES_REJECTED');
    }
    assert.deepEqual(
      result?.failed?.map((f) => f.error.details.sqlState),
      ['23514', '23502', '22P02', '23502'],
    );
    const rows = await query<{ order_id: string }>(
      `SELECT order_id FROM ${SCHEMA}.orders ORDER BY src_offset`,
    );
    const expected = [...Array(20).keys()].filter((i) => ![2, 7, 13, 16].includes(i)).map((i) => `o-${i}`);
    assert.deepEqual(
      rows.map((r) => r.order_id),
      expected,
    );
  });

  it('config and schema mistakes are fatal', async () => {
    await assert.rejects(sinkFor('missing').connect(), (err: unknown) => {
      assert.ok(err instanceof FatalError);
      assert.equal(err.code, 'DP_POSTGRES_SCHEMA');
      return true;
    });
    await assert.rejects(
      sinkFor('orders', { columns: { nope: '$key', src_offset: '$position' } }).connect(),
      FatalError,
    );
    // orders has no unique index on src_offset: ON CONFLICT has no arbiter.
    await assert.rejects(
      sinkFor('orders', {
        columns: { order_id: 'orderId', src_offset: '$position' },
        keyColumns: ['src_offset'],
      }).connect(),
      FatalError,
    );
    const noDb = sinks.open({
      connectionString: CONNECTION.replace(/\/datapipe$/, '/no_such_db'),
      table: 't',
    });
    await assert.rejects(noDb.connect(), FatalError);
  });

  it('survives a server restart mid-run: the write is retried and nothing is lost', {
    timeout: 180_000,
  }, async () => {
    await assertRestartLosesNothing(
      'postgres',
      sinkFor('restart', { createTable: true }),
      (count, start) => records(count, start, 'restart'),
      async () =>
        (await query<{ offset: string }>(`SELECT "offset" FROM ${SCHEMA}.restart ORDER BY "offset"`)).map(
          (r) => Number(r.offset),
        ),
    );
  });
});

describe('postgres sink, end to end through `datapipe run`', () => {
  const db = new pg.Pool({ connectionString: CONNECTION, max: 1 });
  db.on('error', () => {});
  const dir = mkdtempSync(join(tmpdir(), 'datapipe-pg-e2e-'));
  const env = { PG_URL: CONNECTION };
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n);

  before(async () => {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await db.query(`DROP TABLE IF EXISTS ${SCHEMA}.e2e_kill, ${SCHEMA}.e2e_kill_writes, ${SCHEMA}.e2e_dlq`);
    // The table the sink would create, plus an append-only log of every row it inserts or rewrites, by the
    // order id of the value: duplicates are counted there, independently of the (topic, partition, offset) key.
    await db.query(`CREATE TABLE ${SCHEMA}.e2e_kill (topic text, partition integer, "offset" bigint, key text,
      value jsonb, timestamp timestamptz, PRIMARY KEY (topic, partition, "offset"))`);
    await db.query(`CREATE TABLE ${SCHEMA}.e2e_kill_writes (order_id text, op text)`);
    await db.query(`CREATE OR REPLACE FUNCTION ${SCHEMA}.log_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO ${SCHEMA}.e2e_kill_writes VALUES (NEW.value->>'orderId', TG_OP); RETURN NULL; END $$`);
    await db.query(`CREATE TRIGGER log_write AFTER INSERT OR UPDATE ON ${SCHEMA}.e2e_kill
      FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.log_write()`);
  });
  after(async () => {
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run killed with SIGKILL and run again writes every record exactly once', {
    timeout: 180_000,
  }, async () => {
    const file = join(dir, 'kill.yaml');
    writeFileSync(
      file,
      `name: pg-kill
source: { type: generator, count: 4000, rate: 1000, partitions: 2 }
sinks:
  - name: pg
    type: postgres
    connectionString: \${PG_URL}
    table: ${SCHEMA}.e2e_kill
    createTable: true
    batch: { maxRecords: 100, linger: 10s }
observability: { enabled: false }
stateDir: ${join(dir, 'kill-state')}
`,
    );
    const rows = () => count(`SELECT count(*) AS n FROM ${SCHEMA}.e2e_kill`).catch(() => 0);
    const first = await runDatapipe(file, { env, killWhen: async () => (await rows()) >= 500 });
    assert.equal(first.signal, 'SIGKILL', `the first run should be killed mid-way:\n${first.output}`);
    const writtenAtKill = await rows();
    assert.ok(writtenAtKill < 4000, `killed after ${writtenAtKill} rows`);
    const second = await runDatapipe(file, { env });
    assert.equal(second.code, 0, second.output);
    assert.equal(await rows(), 4000);
    // Rows inserted per order id (an upsert that rewrote its own row on replay logs an UPDATE instead).
    const inserted = async () =>
      (
        await db.query<{ order_id: string }>(
          `SELECT order_id FROM ${SCHEMA}.e2e_kill_writes WHERE op = 'INSERT'`,
        )
      ).rows.map((r) => r.order_id);
    const expected = Array.from({ length: 4000 }, (_, i) => `ord-${String(i + 1).padStart(8, '0')}`);
    assert.deepEqual(missingFrom(await inserted(), expected), [], 'every record stored');
    assert.deepEqual(doublesIn(await inserted()), [], 'no record stored twice');
    assert.equal(
      await count(
        `SELECT count(*) AS n FROM (SELECT partition FROM ${SCHEMA}.e2e_kill GROUP BY partition
           HAVING min("offset") = 0 AND max("offset") = 1999 AND count(*) = 2000) AS complete`,
      ),
      2,
      'each of the 2 partitions holds offsets 0..1999',
    );
    // The check can fail: the sink stores order 7 again under another offset, as a lost identity would.
    const double = sinkFor('e2e_kill');
    await double.connect();
    const [row] = (
      await db.query(`SELECT * FROM ${SCHEMA}.e2e_kill WHERE value->>'orderId' = 'ord-00000007'`)
    ).rows as Array<{ topic: string; partition: number; key: string; value: unknown }>;
    await double.write([
      {
        position: { topic: row!.topic, partition: row!.partition, offset: 1_000_000 },
        key: row!.key,
        value: row!.value,
        headers: {},
        timestamp: 0,
        sizeBytes: 10,
      },
    ]);
    assert.deepEqual(doublesIn(await inserted()), ['ord-00000007'], 'the deliberate double is caught');
    await double.close();
  });

  it('rows refused by a CHECK constraint go to dead letter, every other record lands', {
    timeout: 120_000,
  }, async () => {
    await db.query(
      `CREATE TABLE ${SCHEMA}.e2e_dlq (order_id text PRIMARY KEY, status text, test boolean CHECK (NOT test))`,
    );
    const file = join(dir, 'dlq.yaml');
    const stateDir = join(dir, 'dlq-state');
    writeFileSync(
      file,
      `name: pg-dlq
source: { type: generator, count: 1000 }
sinks:
  - name: pg
    type: postgres
    connectionString: \${PG_URL}
    table: ${SCHEMA}.e2e_dlq
    columns: { order_id: orderId, status: status, test: test }
    keyColumns: [order_id]
observability: { enabled: false }
stateDir: ${stateDir}
`,
    );
    const result = await runDatapipe(file, { env });
    assert.equal(result.code, 0, result.output);
    const dead = readDeadLetters<{ value: string; headers: Record<string, string> }>(stateDir);
    const deadOrders = dead.map((d) => JSON.parse(d.value) as { orderId: string; test: boolean });
    assert.ok(deadOrders.length > 0, 'the generator makes about 1.5% test orders');
    assert.ok(deadOrders.every((o) => o.test === true));
    assert.ok(dead.every((d) => d.headers['datapipe.dlq.error.code'] === 'DP_POSTGRES_REJECTED'));
    assert.equal(await count(`SELECT count(*) AS n FROM ${SCHEMA}.e2e_dlq`), 1000 - deadOrders.length);
    assert.equal(await count(`SELECT count(*) AS n FROM ${SCHEMA}.e2e_dlq WHERE test`), 0);
    const landed = await count(
      `SELECT count(*) AS n FROM ${SCHEMA}.e2e_dlq WHERE order_id = ANY('{${deadOrders.map((o) => o.orderId).join(',')}}')`,
    );
    assert.equal(landed, 0);
  });
});
