import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { pino } from 'pino';
import { DataError, FatalError, RetryableError } from '../../core/errors.ts';
import type { PipelineRecord, PluginContext } from '../../core/plugin.ts';
import type { ObjectStoreDriver } from './driver.ts';
import { FsDriver } from './drivers/fs.ts';
import { driverRegistry, fsDriver } from './drivers/index.ts';
import { objectStoreSink } from './index.ts';
import { ObjectStoreSink } from './sink.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-object-store-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = (): PluginContext => ({
  pipelineName: 'test',
  name: 'archive',
  logger: pino({ level: 'silent' }),
  baseDir: dir,
  stateDir: join(dir, 'state'),
});

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T12:00:00Z');

function record(
  offset: number,
  partition = 0,
  value: unknown = { id: `${partition}-${offset}`, n: offset },
): PipelineRecord {
  return {
    position: { topic: 'orders', partition, offset },
    key: `k${offset}`,
    value,
    headers: {},
    timestamp: T0 + offset * 1000,
    sizeBytes: 50,
  };
}

const range = (from: number, to: number, partition = 0) =>
  Array.from({ length: to - from + 1 }, (_, i) => record(from + i, partition));

const plugin = objectStoreSink(driverRegistry([fsDriver]));

/** A connected sink, as the engine hands it batches. */
async function sink(
  folder: string,
  extra: Record<string, unknown> = {},
  driver?: ObjectStoreDriver,
): Promise<ObjectStoreSink> {
  const opts = plugin.options.parse({ driver: 'fs', path: folder, ...extra });
  const s = driver
    ? new ObjectStoreSink(opts, ctx(), driver)
    : (plugin.create(opts, ctx()) as ObjectStoreSink);
  await s.connect();
  return s;
}

async function names(folder: string): Promise<string[]> {
  const driver = new FsDriver(join(dir, folder));
  const out: string[] = [];
  for await (const name of driver.list('')) out.push(name);
  return out.sort();
}

/** Every stored line of every object, decoded. */
async function storedValues(folder: string): Promise<Array<{ id: string; n: number }>> {
  const driver = new FsDriver(join(dir, folder));
  const values = [];
  for (const name of await names(folder)) {
    let body = await driver.get(name);
    if (name.endsWith('.gz')) body = gunzipSync(body);
    if (name.endsWith('.zst')) body = zstdDecompressSync(body);
    for (const line of body.toString().split('\n')) if (line) values.push(JSON.parse(line));
  }
  return values;
}

function assertExactlyOnce(values: Array<{ id: string }>, expected: string[]): void {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v.id, (counts.get(v.id) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  assert.deepEqual(duplicates, [], 'no record is stored twice');
  assert.deepEqual([...counts.keys()].sort(), [...expected].sort(), 'every record is stored');
}

describe('object-store sink (fs driver)', () => {
  test('writes one object per partition, named after the offsets it holds', async () => {
    const s = await sink('a', { prefix: 'archive/' });
    const batch = [...range(0, 2, 0), ...range(10, 11, 1)];
    assert.equal(await s.write(batch), undefined);
    assert.deepEqual(await names('a'), [
      'archive/orders/partition=0/0000000000-0000000002.jsonl',
      'archive/orders/partition=1/0000000010-0000000011.jsonl',
    ]);
    assert.deepEqual(
      (await storedValues('a')).map((v) => v.id),
      ['0-0', '0-1', '0-2', '1-10', '1-11'],
    );
  });

  test('a replay after a crash, with other batch boundaries, stores every record exactly once', async () => {
    const first = await sink('b');
    await first.write(range(0, 99));
    await first.write([...range(100, 249), ...range(0, 40, 1)]);
    // crash: a new sink knows nothing; the engine replays from older committed offsets
    const second = await sink('b');
    await second.write([...range(50, 129), ...range(0, 10, 1)]);
    await second.write([...range(130, 300), ...range(11, 60, 1)]);
    const expected = [...range(0, 300), ...range(0, 60, 1)].map((r) => (r.value as { id: string }).id);
    assertExactlyOnce(await storedValues('b'), expected);
    assert.deepEqual(await names('b'), [
      'orders/partition=0/0000000000-0000000099.jsonl',
      'orders/partition=0/0000000100-0000000249.jsonl',
      'orders/partition=0/0000000250-0000000300.jsonl',
      'orders/partition=1/0000000000-0000000040.jsonl',
      'orders/partition=1/0000000041-0000000060.jsonl',
    ]);
  });

  test('batches of different partitions written at once (0096), then replayed at once, store each record once', async () => {
    assert.equal(plugin.concurrentPartitionBatches, 4);
    const first = await sink('conc');
    // as the engine hands them: one partition per batch, the batches of different partitions at once
    await Promise.all([0, 1, 2, 3].map((p) => first.write(range(0, 99, p))));
    await Promise.all([0, 1, 2, 3].map((p) => first.write(range(100, 149, p))));
    // crash: the replay starts from older committed offsets, again four partitions at once
    const second = await sink('conc');
    await Promise.all([0, 1, 2, 3].map((p) => second.write(range(40, 129, p))));
    await Promise.all([0, 1, 2, 3].map((p) => second.write(range(130, 199, p))));
    const expected = [0, 1, 2, 3].flatMap((p) => range(0, 199, p)).map((r) => (r.value as { id: string }).id);
    assertExactlyOnce(await storedValues('conc'), expected);
    for (const p of [0, 1, 2, 3]) {
      assert.deepEqual(
        (await names('conc')).filter((n) => n.startsWith(`orders/partition=${p}/`)),
        [
          `orders/partition=${p}/0000000000-0000000099.jsonl`,
          `orders/partition=${p}/0000000100-0000000149.jsonl`,
          `orders/partition=${p}/0000000150-0000000199.jsonl`,
        ],
      );
    }
  });

  test('a fan-out stores every copy; a replay that splits an expansion elsewhere stores each once', async () => {
    // Offsets 0..5, each fanned out to 3 records (index 0, 1, 2): ids `0-<offset>.<index>`.
    const fanned = range(0, 5).flatMap((r) =>
      [0, 1, 2].map((index) => ({
        ...r,
        position: index === 0 ? r.position : { ...r.position, index },
        value: { id: `0-${r.position.offset}.${index}`, n: r.position.offset },
      })),
    );
    const first = await sink('fan');
    await first.write(fanned.slice(0, 4)); // 0.0 0.1 0.2 1.0
    await first.write(fanned.slice(4, 8)); // 1.1 1.2 2.0 2.1
    // crash: the replay restarts at offset 1 with other batch boundaries
    const replay = await sink('fan');
    await replay.write(fanned.slice(3, 5)); // 1.0 1.1: stored already
    await replay.write(fanned.slice(5)); // 1.2 ... 5.2: from 2.2 on, new
    assertExactlyOnce(
      await storedValues('fan'),
      fanned.map((r) => (r.value as { id: string }).id),
    );
    assert.deepEqual(await names('fan'), [
      'orders/partition=0/0000000000-0000000001.jsonl',
      'orders/partition=0/0000000001_1-0000000002_1.jsonl',
      'orders/partition=0/0000000002_2-0000000005_2.jsonl',
    ]);
  });

  test('a replay of fully stored records writes nothing', async () => {
    const first = await sink('c');
    await first.write(range(0, 20));
    const before = await names('c');
    const second = await sink('c');
    assert.equal(await second.write(range(5, 20)), undefined);
    assert.deepEqual(await names('c'), before);
  });

  test('with a time prefix, a crash between the objects of one batch loses nothing and duplicates nothing', async () => {
    const days = (offset: number) => record(offset, 0, { id: `r${offset}`, n: offset });
    // records alternate between two days, so one batch spreads over two folders
    const at = (offset: number): PipelineRecord => ({ ...days(offset), timestamp: T0 + (offset % 2) * DAY });
    const batch = Array.from({ length: 40 }, (_, i) => at(i));
    const failing = failingDriver(join(dir, 'd'), (name) => name.includes('dt=2026-01-02'));
    const crashed = await sink('d', { prefix: 'dt={yyyy}-{MM}-{dd}/' }, failing);
    await assert.rejects(crashed.write(batch), RetryableError);
    assert.equal((await names('d')).length, 1, 'only the first day was written before the "crash"');

    const replay = await sink('d', { prefix: 'dt={yyyy}-{MM}-{dd}/' });
    await replay.write(batch.slice(0, 15));
    await replay.write(batch.slice(15));
    assertExactlyOnce(
      await storedValues('d'),
      batch.map((r) => (r.value as { id: string }).id),
    );
    assert.ok((await names('d')).every((n) => /^dt=2026-01-0[12]\/orders\/partition=0\//.test(n)));
  });

  test('jsonl with gzip and zstd round-trips, and fields: record keeps the provenance', async () => {
    for (const compression of ['gzip', 'zstd'] as const) {
      const folder = `e-${compression}`;
      const s = await sink(folder, { compression, fields: 'record' });
      await s.write(range(0, 9));
      const [name] = await names(folder);
      assert.ok(name?.endsWith(compression === 'gzip' ? '.jsonl.gz' : '.jsonl.zst'));
      const stored = (await storedValues(folder)) as unknown as Array<Record<string, unknown>>;
      assert.equal(stored.length, 10);
      assert.deepEqual(stored[3], {
        topic: 'orders',
        partition: 0,
        offset: 3,
        timestamp: T0 + 3000,
        key: 'k3',
        headers: {},
        value: { id: '0-3', n: 3 },
      });
    }
  });

  test('parquet with inferred columns round-trips through hyparquet', async () => {
    const s = await sink('f', { format: 'parquet', fields: 'record' });
    const batch = range(0, 4).map((r, i) => ({
      ...r,
      value: {
        id: `o${i}`,
        total: i + 0.5,
        qty: i,
        paid: i % 2 === 0,
        items: [{ sku: 'a' }],
        note: i === 2 ? null : 'x',
      },
    }));
    await s.write(batch);
    const [name] = await names('f');
    assert.equal(name, 'orders/partition=0/0000000000-0000000004.parquet');
    const body = await new FsDriver(join(dir, 'f')).get(name!);
    const rows = await parquetReadObjects({
      file: arrayBufferOf(body),
    });
    assert.equal(rows.length, 5);
    assert.deepEqual(
      { ...rows[2], _timestamp: (rows[2]!['_timestamp'] as Date).getTime() },
      {
        id: 'o2',
        total: 2.5,
        qty: 2n,
        paid: true,
        items: [{ sku: 'a' }],
        note: null,
        _topic: 'orders',
        _partition: 0,
        _offset: 2n,
        _timestamp: T0 + 2000,
        _key: 'k2',
      },
    );
  });

  test('parquet with an explicit schema dead-letters the records that do not fit, and again on replay', async () => {
    const schema = { id: 'STRING', total: 'DOUBLE', at: 'TIMESTAMP' };
    const batch = [
      record(0, 0, { id: 'a', total: 1.5, at: '2026-01-01T00:00:00Z', extra: 'dropped' }),
      record(1, 0, { id: 'b', total: 'not a number' }),
      record(2, 0, { id: 'c', total: 3 }),
    ];
    const s = await sink('g', { format: 'parquet', schema });
    const result = await s.write(batch);
    assert.deepEqual(
      result?.failed?.map((f) => f.index),
      [1],
    );
    assert.ok(result?.failed?.[0]?.error instanceof DataError);
    const replayed = await (await sink('g', { format: 'parquet', schema })).write(batch);
    assert.deepEqual(
      replayed?.failed?.map((f) => f.index),
      [1],
      'the bad record is reported again on a replay',
    );
    const [name] = await names('g');
    assert.equal(name, 'orders/partition=0/0000000000-0000000002.parquet');
    const body = await new FsDriver(join(dir, 'g')).get(name!);
    const rows = await parquetReadObjects({
      file: arrayBufferOf(body),
    });
    assert.deepEqual(
      rows.map((r) => ({ ...r, at: r['at'] instanceof Date ? r['at'].toISOString() : r['at'] })),
      [
        { id: 'a', total: 1.5, at: '2026-01-01T00:00:00.000Z' },
        { id: 'c', total: 3, at: null },
      ],
    );
  });

  test('a jsonl record without a JSON form fails alone', async () => {
    const s = await sink('h');
    const result = await s.write([record(0), record(1, 0, { big: 10n }), record(2)]);
    assert.deepEqual(
      result?.failed?.map((f) => f.index),
      [1],
    );
    assert.deepEqual(
      (await storedValues('h')).map((v) => v.id),
      ['0-0', '0-2'],
    );
  });

  test('records of a partition out of offset order stop the sink (the engine broke its contract)', async () => {
    await assert.rejects((await sink('i')).write([record(5), record(3)]), FatalError);
  });

  test('missing driver options are FatalErrors naming the field', () => {
    const create = (o: Record<string, unknown>) => plugin.create(plugin.options.parse(o), ctx());
    assert.throws(() => create({ driver: 'fs' }), /`path` is required/);
    assert.throws(() => create({ driver: 's3' }), /`bucket` is required/);
    assert.throws(() => create({ driver: 'azure-blob', container: 'c' }), /connectionString or accountUrl/);
    assert.throws(
      () => create({ driver: 'fs', path: 'x', format: 'parquet', compression: 'gzip' }),
      FatalError,
    );
  });
});

describe('fs driver', () => {
  test('writes atomically (no temp file left), lists by prefix, reads back', async () => {
    const driver = new FsDriver(join(dir, 'fs'));
    await driver.check();
    await driver.put('a/b/one.jsonl', Buffer.from('1\n'));
    await driver.put('a/c/two.jsonl', Buffer.from('2\n'));
    const listed = [];
    for await (const name of driver.list('a/b/')) listed.push(name);
    assert.deepEqual(listed, ['a/b/one.jsonl']);
    assert.deepEqual(await readdir(join(dir, 'fs/a/b')), ['one.jsonl']);
    assert.equal((await driver.get('a/c/two.jsonl')).toString(), '2\n');
    const none = [];
    for await (const name of driver.list('missing/')) none.push(name);
    assert.deepEqual(none, []);
  });

  test('connecting clears the temp files of an upload a crash interrupted; listing never shows them', async () => {
    const root = join(dir, 'fs3');
    const driver = new FsDriver(root);
    await driver.check();
    await writeFile(join(root, '.tmp/0123abcd.tmp'), 'half an object');
    await driver.put('t/partition=0/0000000000-0000000001.jsonl', Buffer.from('{}\n{}\n'));
    const listed = [];
    for await (const name of driver.list('')) listed.push(name);
    assert.deepEqual(listed, ['t/partition=0/0000000000-0000000001.jsonl']);
    await new FsDriver(root).check();
    assert.deepEqual(await readdir(join(root, '.tmp')), []);
  });

  test('a body of chunks is written whole and in order, beyond the 1,024 buffers of one writev call', async () => {
    const driver = new FsDriver(join(dir, 'fs4'));
    await driver.check();
    // 3,001 chunks (libuv writes at most IOV_MAX = 1,024 per system call), one shared buffer among them
    const newline = Buffer.from('\n');
    const chunks: Buffer[] = [];
    for (let i = 0; i < 1500; i++) chunks.push(Buffer.from(`{"n":${i}}`), newline);
    chunks.push(Buffer.from('{"last":true}\n'));
    await driver.put('t/partition=0/0000000000-0000001500.jsonl', chunks);
    const text = (await driver.get('t/partition=0/0000000000-0000001500.jsonl')).toString('utf8');
    const lines = text.split('\n');
    assert.equal(lines.length, 1502); // 1,501 lines and the empty string after the last newline
    assert.equal(lines[0], '{"n":0}');
    assert.equal(lines[1023], '{"n":1023}');
    assert.equal(lines[1499], '{"n":1499}');
    assert.equal(lines[1500], '{"last":true}');
    assert.equal(lines[1501], '');
  });

  test('a name leaving the folder is refused', async () => {
    const driver = new FsDriver(join(dir, 'fs2'));
    await assert.rejects(driver.put('../escape.jsonl', Buffer.from('x')), FatalError);
  });
});

/** An fs driver whose puts fail (as a network error would) for some names. */
function failingDriver(root: string, fails: (name: string) => boolean): ObjectStoreDriver {
  const inner = new FsDriver(root);
  return {
    location: inner.location,
    check: () => inner.check(),
    put: async (name, body) => {
      if (fails(name)) throw new RetryableError('DP_TEST_DOWN', 'connection reset');
      await inner.put(name, body);
    },
    list: (prefix) => inner.list(prefix),
    get: (name) => inner.get(name),
    delete: (name) => inner.delete(name),
    close: () => inner.close(),
  };
}

function arrayBufferOf(body: Buffer): ArrayBuffer {
  return new Uint8Array(body).buffer;
}
