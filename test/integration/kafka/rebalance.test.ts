/**
 * Rebalances between two `datapipe run` processes in one consumer group while records keep arriving:
 * a second member joins (the first drains and commits its partitions before giving them up), then the
 * first leaves on SIGTERM. Each process writes to its OWN SQLite file keyed by position, so a record
 * handled by both would show up in both files: nothing may be missing from the union, and nothing may
 * be in both.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  createTopic,
  deadLetterFor,
  kafkaSource,
  produce,
  sinkRows,
  sqliteSink,
  startDatapipe,
  tempDir,
  uniqueName,
  waitFor,
  writePipeline,
} from './support.ts';

const PARTITIONS = 6;
const WAVES = 6;
const PER_WAVE = 1000;

function keys(db: string): string[] {
  return sinkRows<{ k: string }>(db, 'SELECT record_key AS k FROM records').map((r) => r.k);
}

describe('kafka source rebalances', () => {
  it('hands partitions over without losing or double-processing a record', async () => {
    const topic = await createTopic(uniqueName('rebalance'), PARTITIONS);
    const groupId = uniqueName('rebalance-group');
    const dir = tempDir('rebalance');
    const pipelineFor = (member: string) =>
      writePipeline(
        dir,
        {
          name: 'rebalance',
          source: kafkaSource(topic, groupId, { heartbeatInterval: '500ms' }),
          sinks: [sqliteSink(join(dir, `${member}.db`))],
          deadLetter: deadLetterFor(topic),
        },
        `${member}.yaml`,
      );
    let produced = 0;
    const wave = async () => {
      await produce(
        topic,
        Array.from({ length: PER_WAVE }, (_, i) => ({
          key: `r-${produced + i}`,
          value: JSON.stringify({ id: produced + i }),
        })),
      );
      produced += PER_WAVE;
    };
    const total = () => new Set([...keys(join(dir, 'a.db')), ...keys(join(dir, 'b.db'))]).size;

    const a = startDatapipe(['run', pipelineFor('a')], join(dir, 'a.log'));
    await wave();
    await wave();
    await waitFor('a to process the first waves', () => keys(join(dir, 'a.db')).length >= 2 * PER_WAVE);
    const b = startDatapipe(['run', pipelineFor('b')], join(dir, 'b.log'));
    await waitFor('a to drain on the rebalance', () =>
      /revoked partitions flushed and committed/.test(a.logs()),
    );
    await wave();
    await wave();
    await waitFor(
      'both members to work',
      () => keys(join(dir, 'b.db')).length > 0 && total() >= 4 * PER_WAVE,
    );
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 0);
    await wave();
    await wave();
    await waitFor('b to take everything over', () => total() >= WAVES * PER_WAVE);
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);

    const inA = keys(join(dir, 'a.db'));
    const inB = keys(join(dir, 'b.db'));
    const both = inA.filter((k) => new Set(inB).has(k));
    assert.equal(new Set([...inA, ...inB]).size, WAVES * PER_WAVE, 'no record lost');
    assert.deepEqual(both, [], 'no record processed by both members');
    assert.ok(inA.length > 0 && inB.length > 0);
    assert.match(b.logs(), /partitions assigned/);
  });
});
