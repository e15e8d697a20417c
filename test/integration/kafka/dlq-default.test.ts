/**
 * A Kafka pipeline with no `deadLetter` block dead-letters to `<name>.dlq` on the same cluster, creating
 * that topic on first use, so a new pipeline does not stop on a missing topic.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import {
  headerMap,
  kafkaToSqlite,
  produce,
  readTopic,
  sinkRowCount,
  waitFor,
  whileRunning,
} from './support.ts';

it('dead-letters to <name>.dlq, created on first use, when no deadLetter is configured', async () => {
  const { name, topic, dir, db, file } = await kafkaToSqlite('dlqdefault', 1);
  await produce(topic, [
    ...Array.from({ length: 20 }, (_, i) => ({ key: `ok-${i}`, value: JSON.stringify({ i }) })),
    { key: 'broken', value: '{not json' },
  ]);
  const dead = await whileRunning(['run', file], join(dir, 'run.log'), async () => {
    await waitFor('the good records', () => sinkRowCount(db) >= 20);
    return readTopic(`${name}.dlq`, 1, 60_000);
  });
  assert.equal(sinkRowCount(db), 20);
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.value.toString(), '{not json');
  assert.equal(headerMap(dead[0]!)['datapipe.dlq.stage'], 'decode');
});
