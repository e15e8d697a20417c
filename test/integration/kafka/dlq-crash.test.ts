/**
 * Dead letters after crashes (issue 17, docs/decisions/0052-dead-letter-doubles.md), against the real
 * broker: poison records are dead-lettered, then the pipeline is killed with SIGKILL before their offsets
 * are committed (a good record ahead of them waits on a locked sink), so each restart dead-letters them
 * again. The topic then holds several copies per poison record; `dlq inspect` must show ONE line per
 * source record with how often it was dead-lettered, and `dlq replay` must re-drive each source record once.
 * The same one-per-source-record check applied to the raw topic fails: that is the deliberate double.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import type { InspectResult } from '../../../src/dlq/inspect.ts';
import type { RunSummary } from '../../../src/runtime/run-summary.ts';
import {
  datapipe,
  headerMap,
  kafkaToSqlite,
  produce,
  readTopic,
  sinkRowCount,
  waitFor,
  whileRunning,
} from './support.ts';

const POISON = 25;
const CRASHES = 2;

/** Dead-letter copies per source position; the check: exactly one source record per poison record, once each. */
function onePerPoisonRecord(positions: readonly string[]): void {
  const copies = new Map<string, number>();
  for (const p of positions) copies.set(p, (copies.get(p) ?? 0) + 1);
  assert.equal(copies.size, POISON, 'one entry per poison record');
  assert.deepEqual(
    [...copies].filter(([, n]) => n !== 1),
    [],
    'no source record listed twice',
  );
}

describe('dead letters after kill -9', () => {
  it('inspect shows one line per poison record and replay re-drives each once', async () => {
    const { topic, dlqTopic, dir, db, file } = await kafkaToSqlite('dlqcrash', 1, {
      // A killed member stays in the group until its session times out: keep that short.
      source: { sessionTimeout: '6s', rebalanceTimeout: '10s' },
      sink: { batch: { linger: '50ms' } },
      poison: true,
      deadLetter: { createTopic: { partitions: 1 }, batch: { linger: '50ms' } },
    });

    // A first good record creates the sink's table; then the sink is locked, so the next good record
    // holds the commit point while the poison records behind it are dead-lettered.
    await produce(topic, [{ key: 'g0', value: JSON.stringify({ id: 0 }) }]);
    await whileRunning(['run', file], join(dir, 'run-0.log'), () =>
      waitFor('the first record', () => sinkRowCount(db) === 1),
    );
    const lock = new DatabaseSync(db);
    lock.exec('BEGIN EXCLUSIVE');
    try {
      await produce(topic, [
        { key: 'g1', value: JSON.stringify({ id: 1 }) },
        ...Array.from({ length: POISON }, (_, i) => ({
          key: `poison-${i}`,
          value: JSON.stringify({ id: 100 + i, poison: true }),
        })),
      ]);
      for (let crash = 1; crash <= CRASHES; crash++) {
        await whileRunning(
          ['run', file],
          join(dir, `run-${crash}.log`),
          () => readTopic(dlqTopic, POISON * crash, 120_000),
          'SIGKILL',
        );
      }
    } finally {
      lock.exec('COMMIT');
      lock.close();
    }
    // Unlocked: the last run writes g1, dead-letters the poison records once more, and commits.
    await whileRunning(['run', file], join(dir, 'run-last.log'), async () => {
      await waitFor('the second good record', () => sinkRowCount(db) === 2, 120_000);
      await readTopic(dlqTopic, POISON * (CRASHES + 1), 60_000);
    });

    const raw = await readTopic(dlqTopic, POISON * (CRASHES + 1));
    const rawPositions = raw.map((m) => {
      const h = headerMap(m);
      return `${h['datapipe.dlq.topic']}/${h['datapipe.dlq.partition']}@${h['datapipe.dlq.offset']}`;
    });
    // The deliberate double: the raw topic holds copies, and the check must catch them.
    assert.equal(raw.length, POISON * (CRASHES + 1), 'every crash dead-lettered the poison records again');
    assert.throws(() => onePerPoisonRecord(rawPositions), /no source record listed twice/);

    const inspected = await datapipe(['dlq', 'inspect', file, '--output', 'json']);
    assert.equal(inspected.code, 0, inspected.stderr);
    const list = JSON.parse(inspected.stdout) as InspectResult;
    assert.equal(list.total, POISON * (CRASHES + 1));
    assert.equal(list.sourceRecords, POISON);
    onePerPoisonRecord(
      list.records.map((r) => `${r.original?.topic}/${r.original?.partition}@${r.original?.offset}`),
    );
    assert.ok(list.records.every((r) => r.deadLettered === CRASHES + 1));
    const text = await datapipe(['dlq', 'inspect', file]);
    assert.equal(text.stdout.trim().split('\n').length, 1 + POISON, text.stdout);

    const replay = await datapipe(['dlq', 'replay', file, '--output', 'json'], { DLQ_TEST_FIXED: '1' });
    assert.equal(replay.code, 0, replay.stderr);
    const summary = JSON.parse(replay.stdout) as RunSummary;
    assert.equal(summary.records_in, POISON, 'each source record re-driven once');
    assert.equal(summary.records_out['db'], POISON);
    assert.equal(summary.dead_lettered, 0);
    assert.equal(sinkRowCount(db), 2 + POISON);
  });
});
