/**
 * A Kafka pipeline with no `deadLetter` block dead-letters to `<name>.dlq` on the same cluster, creating
 * that topic on first use, so a new pipeline does not stop on a missing topic.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import {
  brokers,
  createTopic,
  headerMap,
  produce,
  readTopic,
  sinkRowCount,
  startDatapipe,
  tempDir,
  uniqueName,
  waitFor,
  writePipeline,
} from './support.ts';

it('dead-letters to <name>.dlq, created on first use, when no deadLetter is configured', async () => {
  const name = uniqueName('dlqdefault').toLowerCase();
  const topic = await createTopic(`${name}-in`, 1);
  const dir = tempDir('dlq-default');
  const db = join(dir, 'out.db');
  const file = writePipeline(dir, {
    name,
    source: { type: 'kafka', brokers, topics: [topic], groupId: `${name}-group`, maxWaitTime: '100ms' },
    sinks: [{ type: 'sqlite', name: 'db', path: db, key: '$position' }],
  });
  await produce(topic, [
    ...Array.from({ length: 20 }, (_, i) => ({ key: `ok-${i}`, value: JSON.stringify({ i }) })),
    { key: 'broken', value: '{not json' },
  ]);
  const run = startDatapipe(['run', file], join(dir, 'run.log'));
  let dead: Awaited<ReturnType<typeof readTopic>>;
  try {
    await waitFor('the good records', () => sinkRowCount(db) >= 20);
    dead = await readTopic(`${name}.dlq`, 1, 60_000);
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  assert.equal(sinkRowCount(db), 20);
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.value.toString(), '{not json');
  assert.equal(headerMap(dead[0]!)['datapipe.dlq.stage'], 'decode');
});
