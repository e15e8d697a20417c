/**
 * The chaos harness's duplicate check (scripts/chaos/sink-check.ts) against a real SQLite sink: replays
 * that rewrite their own rows are not duplicates; a record stored a second time under another position is,
 * whether the sink wrote it or the harness's `--inject-double` did.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { injectDouble, prepareSink, readSink } from '../../scripts/chaos/sink-check.ts';
import type { PipelineRecord } from '../../src/core/plugin.ts';
import { testPluginContext } from '../../src/runtime/test-fakes.ts';
import { sqliteSink } from '../../src/sinks/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'datapipe-chaos-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const record = (offset: number, id: number): PipelineRecord => ({
  position: { topic: 'chaos', partition: 1, offset },
  key: `r-${id}`,
  value: { id },
  headers: {},
  timestamp: 0,
  sizeBytes: 10,
});

it('counts doubles from the write log: a replay is a rewrite, the same record at another position a duplicate', async () => {
  const file = join(dir, 'sink.db');
  await prepareSink(file);
  const sink = sqliteSink.create(sqliteSink.options.parse({ path: file }), testPluginContext('db', dir));
  await sink.connect();
  await sink.write(Array.from({ length: 10 }, (_, i) => record(i, i)));
  await sink.write([5, 6, 7, 8, 9].map((i) => record(i, i))); // a replay after a kill
  assert.deepEqual(
    { ...readSink(file), distinctKeys: readSink(file).distinctKeys.size },
    { rows: 10, distinctKeys: 10, duplicates: 0, rewrites: 5 },
  );
  // The sink writes record r-3 again at offset 40: the row count by key would not change, the log does.
  await sink.write([record(40, 3)]);
  await sink.close();
  assert.equal(readSink(file).duplicates, 1);
  // The harness's own fault, used by `npm run chaos -- --inject-double`.
  assert.equal(injectDouble(file), 'r-0');
  assert.equal(readSink(file).duplicates, 2);
});
