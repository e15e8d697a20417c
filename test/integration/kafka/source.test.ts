/**
 * The kafka source against the real broker, driven directly (no engine): every record arrives with its
 * key, headers and timestamp, in offset order per partition; only the offsets passed to commit() are
 * committed; a new instance of the group resumes exactly there (nothing lost, nothing before it re-read).
 * "Nothing more arrived" is judged once an end marker, produced last to every partition, has arrived from
 * each: the source has read everything before it, so no later delivery of the records can be pending.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { SourceContext, SourceMessage, SourcePosition } from '../../../src/core/plugin.ts';
import { kafkaSource } from '../../../src/sources/kafka/index.ts';
import { brokers, committedTotal, createTopic, produce, tempDir, uniqueName, waitFor } from './support.ts';

const PARTITIONS = 3;
const RECORDS = 3000;
const END_MARKER = '{"end":true}';
const isMarker = (m: SourceMessage) => m.value?.toString() === END_MARKER;
const markers = (ms: readonly SourceMessage[]) => ms.filter(isMarker).length;
const records = (ms: readonly SourceMessage[]) => ms.filter((m) => !isMarker(m));

async function startSource(topic: string, groupId: string, received: SourceMessage[]) {
  const dir = tempDir('source');
  const base = {
    pipelineName: 'source-test',
    name: 'source',
    logger: pino({ level: 'silent' }),
    baseDir: dir,
    stateDir: dir,
  };
  const source = await kafkaSource.create(
    kafkaSource.options.parse({ brokers, topics: [topic], groupId, maxWaitTime: '100ms' }),
    base,
  );
  const abort = new AbortController();
  const ctx: SourceContext = {
    ...base,
    signal: abort.signal,
    deliver: async (messages) => {
      received.push(...messages);
    },
    drainPartitions: async () => {},
  };
  const running = source.run(ctx);
  return {
    source,
    stop: async () => {
      await source.stop();
      abort.abort();
      await running;
      await source.close();
    },
  };
}

/** For each partition: the next offset after the first `share` of its received records. */
function watermark(received: readonly SourceMessage[], share: number): SourcePosition[] {
  const byPartition = new Map<number, SourceMessage[]>();
  for (const m of received) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m]);
  return [...byPartition.values()].map((ms) => {
    const last = ms[Math.floor(ms.length * share) - 1]!;
    return { topic: last.topic, partition: last.partition, offset: last.offset + 1 };
  });
}

describe('kafka source', () => {
  it('delivers key, headers and timestamp in offset order, commits exactly the given offsets, and resumes there', async () => {
    const topic = await createTopic(uniqueName('source'), PARTITIONS);
    const groupId = uniqueName('group');
    await produce(
      topic,
      Array.from({ length: RECORDS }, (_, i) => ({
        key: `key-${i}`,
        value: JSON.stringify({ id: i }),
        partition: i % PARTITIONS,
        headers: { 'trace-id': `t-${i}` },
        timestamp: 1_700_000_000_000 + i,
      })),
    );
    await produce(
      topic,
      Array.from({ length: PARTITIONS }, (_, p) => ({ value: END_MARKER, partition: p })),
    );

    const firstAll: SourceMessage[] = [];
    const a = await startSource(topic, groupId, firstAll);
    await waitFor('the end marker of every partition', () => markers(firstAll) === PARTITIONS);
    const first = records(firstAll);
    assert.equal(first.length, RECORDS, 'no duplicates within a run');
    for (const m of first) {
      const id = (JSON.parse(m.value!.toString()) as { id: number }).id;
      assert.equal(m.key?.toString(), `key-${id}`);
      assert.equal(m.headers['trace-id'], `t-${id}`);
      assert.equal(m.timestamp, 1_700_000_000_000 + id);
      assert.equal(m.partition, id % PARTITIONS);
    }
    for (let p = 0; p < PARTITIONS; p++) {
      const offsets = first.filter((m) => m.partition === p).map((m) => m.offset);
      assert.deepEqual(
        offsets,
        [...offsets].sort((x, y) => x - y),
        `partition ${p} in offset order`,
      );
    }
    const committed = watermark(first, 0.5);
    await a.source.commit(committed);
    await a.stop();
    const committedSum = committed.reduce((s, p) => s + p.offset, 0);
    assert.equal(
      await committedTotal(groupId, topic, PARTITIONS),
      committedSum,
      'committed exactly what was passed',
    );

    const secondAll: SourceMessage[] = [];
    const b = await startSource(topic, groupId, secondAll);
    await waitFor('the end marker of every partition', () => markers(secondAll) === PARTITIONS);
    await b.stop();
    const second = records(secondAll);
    assert.equal(
      second.length,
      RECORDS - committedSum,
      'resumes at the commit: nothing lost, nothing re-read',
    );
    for (const c of committed) {
      const firstOffset = second.find((m) => m.partition === c.partition)?.offset;
      assert.equal(firstOffset, c.offset, `partition ${c.partition} resumes at its committed offset`);
    }
    const ids = new Set([...first, ...second].map((m) => m.value!.toString()));
    assert.equal(ids.size, RECORDS);
  });

  it('reads record batches compressed with every codec Kafka has, byte for byte', async () => {
    // values of random text barely compress, so each codec's batches of 1,000 span many 64 KiB socket
    // chunks, and the records of a fetch are cut out of them (src/kafka/contiguous-records.ts)
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
    const topic = await createTopic(uniqueName('compressed'), PARTITIONS);
    const sent = new Map<string, string>();
    for (const codec of codecs) {
      const messages = Array.from({ length: 1000 }, (_, i) => {
        const value = JSON.stringify({
          codec,
          i,
          text: randomBytes(600 + ((i * 37) % 900)).toString('base64'),
        });
        sent.set(`${codec}-${i}`, value);
        return { key: `${codec}-${i}`, value, partition: i % PARTITIONS, headers: { codec } };
      });
      await produce(topic, messages, codec);
    }
    await produce(
      topic,
      Array.from({ length: PARTITIONS }, (_, p) => ({ value: END_MARKER, partition: p })),
    );

    const all: SourceMessage[] = [];
    const reading = await startSource(topic, uniqueName('group'), all);
    await waitFor('the end marker of every partition', () => markers(all) === PARTITIONS);
    await reading.stop();
    const got = records(all);
    assert.equal(got.length, sent.size, 'every record once');
    for (const m of got) {
      const key = m.key?.toString() ?? '';
      assert.equal(m.value?.toString(), sent.get(key), `value of ${key}`);
      assert.equal(m.headers['codec'], key.split('-')[0]);
    }
  });
});
