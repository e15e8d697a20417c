/**
 * The drain before a rejoin has a deadline. When a second member joins, the first must flush and commit
 * its partitions before rejoining; if that does not finish within its rebalance timeout (less a margin),
 * it rejoins anyway (what is not committed is read again by the next owner) instead of being evicted from
 * the group or blocking the rebalance forever. Against the real broker, with an engine whose drain never
 * finishes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { SourceContext, SourceMessage } from '../../../src/core/plugin.ts';
import { kafkaSource } from '../../../src/sources/kafka/index.ts';
import { brokers, createTopic, produce, tempDir, uniqueName, waitFor } from './support.ts';

interface Member {
  readonly logs: Array<{ msg: string; partitions?: unknown }>;
  readonly received: SourceMessage[];
  readonly drains: number[];
  stop(): Promise<void>;
}

async function member(topic: string, groupId: string, drain: () => Promise<void>): Promise<Member> {
  const logs: Member['logs'] = [];
  const dir = tempDir('drain');
  const base = {
    pipelineName: 'drain-test',
    name: 'source',
    logger: pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    baseDir: dir,
    stateDir: dir,
  };
  // rebalanceTimeout 6 s: the drain may take max(1 s, 6 s - 5 s) = 1 s (src/sources/kafka/source.ts).
  const source = await kafkaSource.create(
    kafkaSource.options.parse({
      brokers,
      topics: [topic],
      groupId,
      maxWaitTime: '100ms',
      rebalanceTimeout: '6s',
      sessionTimeout: '6s',
      heartbeatInterval: '1s',
    }),
    base,
  );
  const received: SourceMessage[] = [];
  const drains: number[] = [];
  const abort = new AbortController();
  const ctx: SourceContext = {
    ...base,
    signal: abort.signal,
    deliver: async (messages) => {
      received.push(...messages);
    },
    drainPartitions: async (partitions) => {
      drains.push(partitions.length);
      await drain();
    },
  };
  const running = source.run(ctx);
  return {
    logs,
    received,
    drains,
    stop: async () => {
      await source.stop();
      abort.abort();
      await running;
      await source.close();
    },
  };
}

const assignedCount = (m: Member) => m.logs.filter((l) => l.msg === 'partitions assigned').length;

describe('kafka source drain timeout', () => {
  it('rejoins after its drain deadline when the engine cannot drain, and the group settles', {
    timeout: 120_000,
  }, async () => {
    const topic = await createTopic(uniqueName('drain'), 4);
    const groupId = uniqueName('drain-group');
    await produce(
      topic,
      Array.from({ length: 40 }, (_, i) => ({ value: JSON.stringify({ id: i }), partition: i % 4 })),
    );
    const stuck = await member(topic, groupId, () => new Promise<void>(() => {}));
    let second: Member | undefined;
    try {
      await waitFor('the first member to read every record', () => stuck.received.length >= 40, 60_000);
      assert.equal(assignedCount(stuck), 1);
      second = await member(topic, groupId, async () => {});
      const joined = second;
      // Positive signal: both members hold an assignment of the new generation.
      await waitFor(
        'the group to settle with both members',
        () => assignedCount(stuck) >= 2 && assignedCount(joined) >= 1,
        60_000,
      );
    } finally {
      await second?.stop();
      await stuck.stop();
    }
    assert.deepEqual(stuck.drains, [4], 'the first member asked the engine to drain its 4 partitions');
    const messages = stuck.logs.map((l) => l.msg);
    const warned = messages.indexOf('rebalance: could not drain revoked partitions; rejoining anyway');
    assert.ok(warned >= 0, `the drain deadline passed and was logged:\n${messages.join('\n')}`);
    assert.ok(
      messages.lastIndexOf('partitions assigned') > warned,
      'the first member rejoined after giving up the drain',
    );
    assert.ok(!messages.includes('rebalance: revoked partitions flushed and committed'));
  });
});
