/**
 * The iceberg sink against the real Iceberg REST catalog and S3 server (`npm run services:up -- s3
 * iceberg`), every table read back with PyIceberg, an independent reader. Duplicates are counted as rows
 * per record id (topic/partition/offset), and that count is shown to catch a deliberate double append.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { objectStoreDrivers } from '../../../src/cli/plugins.ts';
import { DataError, RetryableError } from '../../../src/core/errors.ts';
import { RestCatalog } from '../../../src/sinks/iceberg/catalog.ts';
import { IcebergSink } from '../../../src/sinks/iceberg/sink.ts';
import { writeAcrossRestart } from '../../support/datapipe-process.ts';
import { services } from '../../support/services.ts';
import {
  context,
  freshNamespace,
  idsOf,
  openSink,
  readTable,
  records,
  sinkOptions,
} from './iceberg-support.ts';

describe('iceberg sink', { timeout: 300_000 }, () => {
  test('creates namespace and table, appends partitioned Parquet files, PyIceberg reads every record once', async () => {
    const ns = freshNamespace();
    const sink = openSink(ns, 'orders', {
      schema: { id: 'string', amount: 'long' },
      partition: [{ column: '_timestamp', transform: 'day' }],
    });
    await sink.connect();
    // 10-minute steps from 2026-01-01T00:00Z: offsets 0..143 on Jan 1, 144..199 on Jan 2
    assert.equal(await sink.write(records(0, 199)), undefined);
    await sink.close();
    const view = await readTable(ns, 'orders');
    assert.equal(view.rows, 200);
    assert.deepEqual(view.duplicates, {});
    assert.deepEqual(view.ids, idsOf(records(0, 199)));
    assert.deepEqual(view.columns, {
      _topic: 'string',
      _partition: 'int',
      _offset: 'long',
      _timestamp: 'timestamptz',
      _key: 'string',
      id: 'string',
      amount: 'long',
    });
    assert.deepEqual(view.partitionSpec, ['_timestamp_day:day']);
    assert.deepEqual(view.files.map((f) => /_timestamp_day=([\d-]+)\//.exec(f)?.[1]).sort(), [
      '2026-01-01',
      '2026-01-02',
    ]);
    assert.deepEqual(
      view.values['amount']
        ?.slice()
        .sort((a, b) => Number(a) - Number(b))
        .slice(0, 3),
      ['0', '10', '20'],
    );
    assert.equal(view.properties['datapipe.offsets.test'], '{"orders/0":199}');
    assert.equal(view.snapshots.length, 1);
    assert.equal(view.snapshots[0]?.['datapipe.offsets.test'], '{"orders/0":199}');
  });

  test('a new field adds an optional column; a type conflict is dead-lettered with its reason while neighbours land', async () => {
    const ns = freshNamespace();
    const sink = openSink(ns, 'events');
    await sink.connect();
    await sink.write(records(0, 9)); // schema inferred: id string, amount long
    const batch = records(10, 19, 0, (o) =>
      o === 13 ? { id: `0-${o}`, amount: 'lots' } : { id: `0-${o}`, amount: o, coupon: `c${o}` },
    );
    const result = await sink.write(batch);
    await sink.close();
    assert.equal(result?.failed?.length, 1);
    assert.equal(result?.failed?.[0]?.index, 3);
    const error = result?.failed?.[0]?.error;
    assert.ok(error instanceof DataError);
    assert.equal(error.code, 'DP_ICEBERG_TYPE_CONFLICT');
    assert.match(error.message, /field "amount" is a string; the table column "amount" is long/);
    const view = await readTable(ns, 'events');
    assert.equal(view.columns['coupon'], 'string');
    assert.deepEqual(view.ids, idsOf([...records(0, 19)].filter((r) => r.position.offset !== 13)));
    assert.equal(view.values['coupon']?.filter((v) => v !== null).length, 9);
  });

  test('a replay with other batch boundaries appends nothing twice; the per-id count catches a deliberate double', async () => {
    const ns = freshNamespace();
    const first = openSink(ns, 'replay');
    await first.connect();
    await first.write([...records(0, 99), ...records(0, 30, 1)]);
    await first.write(records(100, 149));
    await first.close();
    // "after a crash": a new sink replays from before what was stored, in different batches
    const replay = openSink(ns, 'replay');
    await replay.connect();
    await replay.write([...records(50, 120), ...records(20, 60, 1)]);
    await replay.write(records(121, 199));
    await replay.close();
    const view = await readTable(ns, 'replay');
    assert.deepEqual(view.duplicates, {});
    assert.equal(view.rows, 200 + 61);
    assert.deepEqual(view.ids, idsOf([...records(0, 199), ...records(0, 60, 1)]));

    // The deliberate fault: a writer whose offsets are another pipeline's appends 0..9 again.
    const double = openSink(ns, 'replay', {}, 'other-pipeline');
    await double.connect();
    await double.write(records(0, 9));
    await double.close();
    const doubled = await readTable(ns, 'replay');
    assert.equal(doubled.rows, 200 + 61 + 10);
    assert.equal(doubled.distinctIds, 200 + 61, 'distinct ids alone would not show the double');
    assert.deepEqual(
      doubled.duplicates,
      Object.fromEntries(idsOf(records(0, 9)).map((id) => [id, 2])),
      'the per-id count finds every doubled record',
    );
  });

  test('two writers racing on the same ranges (409 conflicts) append every record once', async () => {
    const ns = freshNamespace();
    const seed = openSink(ns, 'race');
    await seed.connect();
    await seed.write(records(0, 0));
    await seed.close();
    const conflicts: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, done) {
          if (String(chunk).includes('commit conflict')) conflicts.push(String(chunk));
          done();
        },
      }),
    );
    const writer = () =>
      new IcebergSink(sinkOptions(ns, 'race'), { ...context(), logger }, objectStoreDrivers);
    const a = writer();
    const b = writer();
    await Promise.all([a.connect(), b.connect()]);
    const run = async (sink: IcebergSink) => {
      for (let from = 1; from < 400; from += 40) await sink.write(records(from, from + 39));
    };
    await Promise.all([run(a), run(b)]);
    await Promise.all([a.close(), b.close()]);
    assert.ok(conflicts.length > 0, 'the writers did collide (409) at least once');
    const view = await readTable(ns, 'race');
    assert.deepEqual(view.duplicates, {});
    assert.deepEqual(view.ids, idsOf(records(0, 400)));
  });

  test('a commit whose answer is lost is retried without appending twice', async () => {
    const ns = freshNamespace();
    let lose = 1;
    class LosingCatalog extends RestCatalog {
      override async commitTable(...args: Parameters<RestCatalog['commitTable']>) {
        const metadata = await super.commitTable(...args);
        if (lose-- > 0)
          throw new RetryableError('DP_ICEBERG_UNAVAILABLE', 'connection reset after the commit');
        return metadata;
      }
    }
    const opts = sinkOptions(ns, 'lost');
    const sink = new IcebergSink(opts, context(), objectStoreDrivers, {
      catalog: new LosingCatalog({ uri: opts.catalogUri }),
    });
    await sink.connect();
    const down = await sink.write(records(0, 49)).catch((e: unknown) => e);
    assert.ok(down instanceof RetryableError);
    assert.equal(await sink.write(records(0, 49)), undefined, 'the engine retries the whole batch');
    await sink.write(records(50, 59));
    await sink.close();
    const view = await readTable(ns, 'lost');
    assert.deepEqual(view.duplicates, {});
    assert.deepEqual(view.ids, idsOf(records(0, 59)));
  });

  test('the catalog stopped under a write: retryable, and after its restart nothing is lost or doubled', async () => {
    const ns = freshNamespace();
    const sink = openSink(ns, 'outage');
    await sink.connect();
    await sink.write(records(0, 49));
    await writeAcrossRestart('iceberg', () => sink.write(records(50, 99)));
    await sink.close();
    const view = await readTable(ns, 'outage');
    assert.deepEqual(view.duplicates, {});
    assert.deepEqual(view.ids, idsOf(records(0, 99)));
  });

  test('the S3 server stopped under a write: retryable, and after its restart nothing is lost or doubled', async () => {
    const ns = freshNamespace();
    const sink = openSink(ns, 's3outage');
    await sink.connect();
    await sink.write(records(0, 49));
    await writeAcrossRestart('s3', () => sink.write(records(50, 99)));
    await sink.close();
    const view = await readTable(ns, 's3outage');
    assert.deepEqual(view.duplicates, {});
    assert.deepEqual(view.ids, idsOf(records(0, 99)));
  });

  test('a missing table without create is a fatal error naming it', async () => {
    const sink = openSink(freshNamespace(), 'absent', { create: false });
    await sink.connect();
    await assert.rejects(sink.write(records(0, 0)), /does not exist \(set create: true/);
    await sink.close();
    assert.ok(services.iceberg.uri);
  });
});
