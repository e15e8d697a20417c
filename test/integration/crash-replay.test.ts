/**
 * Nothing lost, nothing twice, across a hard crash: `datapipe run` reads a 200,000-record JSONL file into
 * SQLite and a day-partitioned object-store archive, is killed with SIGKILL in the middle, and is run again.
 * Afterwards every record is in every sink exactly once. "Once" is counted by order id independently of
 * each sink's key: SQLite rows the sink inserted, from a write log kept by triggers (scripts/chaos/sink-check.ts;
 * its upsert key is the position), and archived lines. Both checks are then shown to catch a double.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { injectDouble, insertedKeys, prepareSink } from '../../scripts/chaos/sink-check.ts';
import { orderEvent } from '../../src/sources/generator-templates.ts';
import { doublesIn, missingFrom } from '../support/copies.ts';
import {
  crashMidway,
  fileSourceCommitted,
  runDatapipeSummary,
  writeJsonLines,
} from '../support/datapipe-process.ts';

const RECORDS = 200_000;
const KILL_AFTER_COMMITTED = 30_000;

const PIPELINE = `
name: crash
source:
  type: file
  path: data/orders.jsonl
  keyField: orderId
  timestampField: createdAt
sinks:
  - name: db
    type: sqlite
    path: out/orders.db
    table: orders
    batch: { maxRecords: 1000 }
  - name: archive
    type: object-store
    driver: fs
    path: out/archive
    prefix: dt={yyyy}-{MM}-{dd}/
    batch: { maxRecords: 3000, linger: 100ms }
observability:
  enabled: false
`;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-crash-'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'pipeline.yaml'), PIPELINE);
  const start = Date.parse('2026-05-01T00:00:00Z');
  await writeJsonLines(
    join(dir, 'data/orders.jsonl'),
    RECORDS,
    (i) => orderEvent(i, 3, start + i * 2000).value,
  );
  await prepareSink(join(dir, 'out/orders.db'), 'orders');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const committedLine = () => fileSourceCommitted(dir, 'crash');

/** The order id of every row the sink holds (its key is the position, so one row per position). */
function sqliteIds(): string[] {
  const db = new DatabaseSync(join(dir, 'out/orders.db'), { readOnly: true });
  try {
    const rows = db.prepare('SELECT record_key, value FROM orders').all() as Array<{
      record_key: string;
      value: string;
    }>;
    for (const row of rows) assert.equal(JSON.parse(row.value).orderId, row.record_key);
    return rows.map((r) => r.record_key);
  } finally {
    db.close();
  }
}

/**
 * Every archived order id, once per time it is stored. A crash may leave an unfinished upload in the
 * store's `.tmp/` folder (never under an object name); the next run clears it.
 */
async function archivedIds(allowTemp: boolean): Promise<string[]> {
  const archive = join(dir, 'out/archive');
  const entries = await readdir(archive, { recursive: true, withFileTypes: true });
  const ids: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    if (allowTemp && entry.parentPath === join(archive, '.tmp')) continue;
    assert.match(entry.name, /^\d{10}-\d{10}\.jsonl$/, 'only whole objects, no temp files');
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    for (const line of text.split('\n')) if (line) ids.push(JSON.parse(line).orderId);
  }
  return ids;
}

function assertExactlyOnce(ids: string[], label: string): void {
  assert.deepEqual(doublesIn(ids), [], `${label}: no record stored twice`);
  const expected = Array.from({ length: RECORDS }, (_, i) => `ord-${String(i + 1).padStart(8, '0')}`);
  assert.deepEqual(missingFrom(ids, expected), [], `${label}: every record stored`);
  assert.equal(ids.length, RECORDS, `${label}: only the records of the file`);
}

describe('crash and replay', () => {
  test('after kill -9 in the middle and a rerun, every record is in every sink exactly once', async (t) => {
    const committedAtCrash = await crashMidway(join(dir, 'pipeline.yaml'), {
      cwd: dir,
      committed: committedLine,
      after: KILL_AFTER_COMMITTED,
      total: RECORDS,
    });
    // Usually the sinks hold records past the checkpoint at the crash: the rerun replays them.
    const storedAtCrash = { sqlite: sqliteIds().length, archive: (await archivedIds(true)).length };
    t.diagnostic(`at the crash: committed ${committedAtCrash}, stored ${JSON.stringify(storedAtCrash)}`);

    const summary = await runDatapipeSummary(join(dir, 'pipeline.yaml'), { cwd: dir });
    assert.equal(
      summary.records_in,
      RECORDS - committedAtCrash,
      'the rerun resumed at the committed checkpoint',
    );
    assert.equal(summary.dead_lettered, 0);
    assert.deepEqual(summary.committed, [{ topic: 'orders', partition: 0, offset: RECORDS }]);

    assertExactlyOnce(sqliteIds(), 'sqlite');
    assertExactlyOnce(insertedKeys(join(dir, 'out/orders.db')), 'sqlite write log');
    assertExactlyOnce(await archivedIds(false), 'object-store');

    // Both checks can fail: a row stored again under another position, an archived line in a second object.
    const doubled = injectDouble(join(dir, 'out/orders.db'), 'orders');
    assert.throws(
      () => assertExactlyOnce(insertedKeys(join(dir, 'out/orders.db')), 'sqlite write log'),
      /no record stored twice/,
      `the double of ${doubled} is caught`,
    );
    const [day] = (await readdir(join(dir, 'out/archive'))).filter((d) => d.startsWith('dt='));
    const folder = join(dir, 'out/archive', day as string, 'orders/partition=0');
    const [object] = await readdir(folder);
    const firstLine = (await readFile(join(folder, object as string), 'utf8')).split('\n')[0];
    await writeFile(join(folder, '9999999998-9999999998.jsonl'), `${firstLine}\n`);
    await assert.rejects(
      async () => assertExactlyOnce(await archivedIds(false), 'object-store'),
      /no record stored twice/,
    );
  });
});
