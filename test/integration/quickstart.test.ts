/**
 * The quickstart as a user runs it: `datapipe run examples/quickstart.yaml --output json` on a fresh copy of
 * the example. The first run writes every non-test order to both sinks (SQLite and the gzip JSONL archive);
 * a second run resumes from the checkpoint and adds nothing.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { repoRoot as root, runDatapipeSummary } from '../support/datapipe-process.ts';

const copies: string[] = [];

after(async () => {
  for (const dir of copies) await rm(dir, { recursive: true, force: true });
});

interface Order {
  orderId: string;
  test: boolean;
  items: Array<{ quantity: number; unitPrice: number }>;
  total?: number;
  itemCount?: number;
}

/** A fresh copy of the example folder, so runs never share state or output. */
async function freshExample(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'datapipe-quickstart-'));
  copies.push(dir);
  await cp(join(root, 'examples/quickstart.yaml'), join(dir, 'quickstart.yaml'));
  await cp(join(root, 'examples/data'), join(dir, 'data'), { recursive: true });
  return dir;
}

async function runQuickstart(dir: string): Promise<Record<string, unknown>> {
  return runDatapipeSummary(join(dir, 'quickstart.yaml'), { cwd: dir, args: ['--port', '0'] });
}

async function sample(): Promise<Order[]> {
  const text = await readFile(join(root, 'examples/data/orders.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

function storedRows(dir: string): Array<{ id: string; value: string }> {
  const db = new DatabaseSync(join(dir, 'out/quickstart/orders.db'), { readOnly: true });
  try {
    return db.prepare('SELECT id, value FROM orders').all() as Array<{ id: string; value: string }>;
  } finally {
    db.close();
  }
}

async function archiveFiles(dir: string): Promise<string[]> {
  const archive = join(dir, 'out/quickstart/archive');
  const entries = await readdir(archive, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function archivedOrders(dir: string): Promise<Order[]> {
  const orders: Order[] = [];
  for (const file of await archiveFiles(dir)) {
    for (const line of gunzipSync(await readFile(file))
      .toString()
      .split('\n'))
      if (line) orders.push(JSON.parse(line));
  }
  return orders;
}

describe('quickstart', () => {
  test('the first run writes every non-test order, with its total, to SQLite and to the archive', async () => {
    const orders = await sample();
    const kept = orders.filter((o) => !o.test);
    assert.ok(orders.length >= 10_000 && kept.length < orders.length, 'the sample has test orders to drop');
    const dir = await freshExample();

    const summary = await runQuickstart(dir);
    assert.equal(summary['records_in'], orders.length);
    assert.equal(summary['filtered'], orders.length - kept.length);
    assert.equal(summary['dead_lettered'], 0);
    assert.deepEqual(summary['records_out'], { 'orders-db': kept.length, archive: kept.length });

    const rows = storedRows(dir);
    assert.equal(rows.length, kept.length);
    assert.deepEqual(rows.map((r) => r.id).sort(), kept.map((o) => o.orderId).sort());
    const first = kept[0]!;
    const stored = JSON.parse(rows.find((r) => r.id === first.orderId)!.value) as Order;
    const total = Math.round(first.items.reduce((s, i) => s + i.quantity * i.unitPrice, 0) * 100) / 100;
    assert.equal(stored.total, total);
    assert.equal(
      stored.itemCount,
      first.items.reduce((s, i) => s + i.quantity, 0),
    );

    const archived = await archivedOrders(dir);
    assert.equal(archived.length, kept.length, 'each order is archived once');
    assert.equal(new Set(archived.map((o) => o.orderId)).size, kept.length);
    assert.ok(archived.every((o) => o.test === false && typeof o.total === 'number'));
    const files = await archiveFiles(dir);
    assert.ok(files.every((f) => /dt=2026-03-\d\d\/orders\/partition=0\/\d{10}-\d{10}\.jsonl\.gz$/.test(f)));
  });

  test('a second run resumes from the checkpoint and adds nothing', async () => {
    const lines = (await sample()).length;
    const dir = await freshExample();
    const first = await runQuickstart(dir);
    const rowsBefore = storedRows(dir).length;
    const filesBefore = await archiveFiles(dir);
    assert.ok(rowsBefore > 0);

    const second = await runQuickstart(dir);
    assert.equal(second['records_in'], 0);
    assert.deepEqual(second['records_out'], { 'orders-db': 0, archive: 0 });
    assert.deepEqual(first['committed'], [{ topic: 'orders', partition: 0, offset: lines }]);
    const checkpoint = JSON.parse(
      await readFile(join(dir, '.datapipe/quickstart/file-orders.checkpoint.json'), 'utf8'),
    );
    assert.equal(checkpoint.line, lines, 'the checkpoint is at the end of the file');
    assert.equal(storedRows(dir).length, rowsBefore);
    assert.deepEqual(await archiveFiles(dir), filesBefore);
  });
});
