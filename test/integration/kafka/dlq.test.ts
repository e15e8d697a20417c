/**
 * Dead letters end to end with `datapipe` processes: bad records land in the Kafka dead-letter topic with
 * their ORIGINAL bytes and `datapipe.dlq.*` provenance; `dlq inspect` lists them; `dlq replay` re-drives
 * them through the transforms and sinks like fresh records (under their original identity), and records
 * that fail again are dead-lettered again.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { InspectResult } from '../../../src/dlq/inspect.ts';
import type { RunSummary } from '../../../src/runtime/run-summary.ts';
import {
  datapipe,
  headerMap,
  kafkaToSqlite,
  produce,
  readTopic,
  sinkRows,
  waitFor,
  whileRunning,
} from './support.ts';

const GOOD = 90;
const INVALID_JSON = 5;
const POISON = 5;

function rowIds(db: string): string[] {
  return sinkRows<{ id: string }>(db, 'SELECT id FROM records ORDER BY id').map((r) => r.id);
}

describe('dead-letter topic, dlq inspect and dlq replay', () => {
  it('dead-letters with provenance, lists, and replays like fresh records', async () => {
    const { topic, dlqTopic, dir, db, file } = await kafkaToSqlite('dlq', 2, {
      poison: true,
      deadLetter: { createTopic: { partitions: 2 }, batch: { linger: '50ms' } },
    });
    const messages: Array<{ key: string; value: string; headers?: Record<string, string> }> = [
      ...Array.from({ length: GOOD }, (_, i) => ({ key: `good-${i}`, value: JSON.stringify({ id: i }) })),
      ...Array.from({ length: INVALID_JSON }, (_, i) => ({
        key: `bad-${i}`,
        value: `{not json ${i}`,
        headers: { origin: 'test' },
      })),
      ...Array.from({ length: POISON }, (_, i) => ({
        key: `poison-${i}`,
        value: JSON.stringify({ id: 1000 + i, poison: true }),
      })),
    ];
    await produce(topic, messages);

    const dead = await whileRunning(['run', file], join(dir, 'run.log'), async () => {
      await waitFor('the good records', () => rowIds(db).length >= GOOD);
      return readTopic(dlqTopic, INVALID_JSON + POISON, 60_000);
    });
    assert.equal(rowIds(db).length, GOOD);

    // Provenance headers and the original bytes.
    const byKey = new Map(messages.map((m) => [m.key, m]));
    const stages = new Map<string, number>();
    for (const m of dead) {
      const h = headerMap(m);
      const original = byKey.get(m.key!.toString())!;
      assert.equal(m.value.toString(), original.value, 'the ORIGINAL raw value is kept');
      assert.equal(h['datapipe.dlq.topic'], topic);
      assert.match(h['datapipe.dlq.partition'] ?? '', /^[01]$/);
      assert.match(h['datapipe.dlq.offset'] ?? '', /^\d+$/);
      assert.match(h['datapipe.dlq.timestamp'] ?? '', /^\d{13}$/);
      assert.equal(h['datapipe.dlq.error.class'], 'data');
      assert.ok((h['datapipe.dlq.error.code'] ?? '').startsWith('DP_'));
      assert.ok((h['datapipe.dlq.error.message'] ?? '').length > 0);
      assert.match(h['datapipe.dlq.attempts'] ?? '', /^\d+$/);
      if (original.headers) assert.equal(h['origin'], 'test', "the record's own headers are kept");
      stages.set(h['datapipe.dlq.stage']!, (stages.get(h['datapipe.dlq.stage']!) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(stages), { decode: INVALID_JSON, transform: POISON });

    // inspect
    const inspected = await datapipe(['dlq', 'inspect', file, '--output', 'json']);
    assert.equal(inspected.code, 0, inspected.stderr);
    const list = JSON.parse(inspected.stdout) as InspectResult;
    assert.equal(list.topic, dlqTopic);
    assert.equal(list.total, INVALID_JSON + POISON);
    assert.equal(list.records.length, INVALID_JSON + POISON);
    assert.ok(list.records.every((r) => r.original?.topic === topic && !r.replayed));
    assert.ok(list.records.some((r) => r.stage === 'transform' && /poison record/.test(r.error.message)));
    const limited = await datapipe(['dlq', 'inspect', file, '--limit', '3']);
    assert.equal(limited.code, 0, limited.stderr);
    assert.equal(limited.stdout.trim().split('\n').length, 1 + 3);

    // replay, with the transform fixed: the poison records now go through; the invalid JSON fails again.
    const replay = await datapipe(['dlq', 'replay', file, '--output', 'json'], { DLQ_TEST_FIXED: '1' });
    assert.equal(replay.code, 0, replay.stderr);
    const summary = JSON.parse(replay.stdout) as RunSummary;
    assert.equal(summary.records_in, INVALID_JSON + POISON);
    assert.equal(summary.records_out['db'], POISON);
    assert.equal(summary.dead_lettered, INVALID_JSON);
    const ids = rowIds(db);
    assert.equal(ids.length, GOOD + POISON);
    // Replayed rows carry the ORIGINAL identity (topic/partition/offset of the input topic).
    for (const r of list.records.filter((x) => x.stage === 'transform')) {
      assert.ok(ids.includes(`${r.original!.topic}/${r.original!.partition}/${r.original!.offset}`));
    }

    // Progress is kept: the poison records are replayed; the invalid JSON ones were dead-lettered again,
    // so each is one source record with two copies, the latest not replayed yet.
    const after = JSON.parse(
      (await datapipe(['dlq', 'inspect', file, '--output', 'json'])).stdout,
    ) as InspectResult;
    assert.equal(after.total, INVALID_JSON + POISON + INVALID_JSON);
    assert.equal(after.sourceRecords, INVALID_JSON + POISON);
    assert.equal(after.records.filter((r) => r.replayed).length, POISON);
    assert.deepEqual(
      after.records.filter((r) => r.stage === 'decode').map((r) => [r.deadLettered, r.replayed]),
      Array.from({ length: INVALID_JSON }, () => [2, false]),
    );
    const again = await datapipe(['dlq', 'replay', file, '--output', 'json'], { DLQ_TEST_FIXED: '1' });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as RunSummary).records_in, INVALID_JSON);
  });
});
