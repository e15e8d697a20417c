/**
 * The kafka sink, topic to topic through `datapipe run`: keys, headers and timestamps carried over, values
 * written per `valueEncoding` (bytes and, when nothing reads them, json values kept byte for byte), plus the
 * `datapipe.source.*` provenance headers; and a missing topic is a clear fatal error.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  brokers,
  createTopic,
  datapipe,
  deadLetterFor,
  headerMap,
  produce,
  readTopic,
  startDatapipe,
  tempDir,
  uniqueName,
  writePipeline,
} from './support.ts';

const RECORDS = 500;

describe('kafka sink', () => {
  for (const encoding of ['bytes', 'json'] as const) {
    it(`copies a topic with valueEncoding ${encoding}, keeping keys, headers and timestamps`, async () => {
      const input = await createTopic(uniqueName('sink-in'), 3);
      const output = await createTopic(uniqueName('sink-out'), 2);
      const values = Array.from({ length: RECORDS }, (_, i) =>
        JSON.stringify({ id: i, text: `héllo ${i}` }, null, 1),
      );
      await produce(
        input,
        values.map((value, i) => ({
          key: `k-${i}`,
          value,
          partition: i % 3,
          // even records are copies of copies: their stale provenance must give way to this hop's
          headers: (i % 2 === 0
            ? { 'trace-id': `t-${i}`, 'datapipe.source.topic': 'older', 'datapipe.source.index': '3' }
            : { 'trace-id': `t-${i}` }) as Record<string, string>,
          timestamp: 1_700_000_000_000 + i,
        })),
      );
      const dir = tempDir('sink');
      const file = writePipeline(dir, {
        name: 'copy',
        source: { type: 'kafka', brokers, topics: [input], groupId: uniqueName('copy'), decode: encoding },
        sinks: [{ type: 'kafka', name: 'out', brokers, topic: output, valueEncoding: encoding }],
        deadLetter: deadLetterFor(input),
      });
      const run = startDatapipe(['run', file], join(dir, 'run.log'));
      let copied: Awaited<ReturnType<typeof readTopic>>;
      try {
        copied = await readTopic(output, RECORDS, 60_000);
      } finally {
        run.child.kill('SIGTERM');
        await run.exited;
      }
      assert.equal(copied.length, RECORDS);
      const seen = new Set<number>();
      for (const m of copied) {
        const id = Number(m.key.toString().slice(2));
        seen.add(id);
        const h = headerMap(m);
        assert.equal(h['trace-id'], `t-${id}`);
        assert.equal(h['datapipe.source.topic'], input);
        assert.equal(h['datapipe.source.partition'], String(id % 3));
        assert.match(h['datapipe.source.offset'] ?? '', /^\d+$/);
        assert.equal(h['datapipe.source.index'], undefined, 'no fan-out here: a stale index is not carried');
        assert.equal(
          [...m.headers.keys()].filter((name) => name.toString() === 'datapipe.source.topic').length,
          1,
          'one provenance topic header',
        );
        assert.equal(Number(m.timestamp), 1_700_000_000_000 + id);
        // json too: no transform reads the values, so they keep their original bytes (decision 0057),
        // here pretty-printed as produced, not re-serialised
        assert.equal(m.value.toString(), values[id], 'values are copied as they are');
      }
      assert.equal(seen.size, RECORDS);
    });
  }

  it('fails with DP_KAFKA_TOPIC_MISSING when the topic does not exist', async () => {
    const input = await createTopic(uniqueName('sink-in'), 1);
    const dir = tempDir('sink-missing');
    const file = writePipeline(dir, {
      name: 'missing',
      source: { type: 'kafka', brokers, topics: [input], groupId: uniqueName('missing') },
      sinks: [{ type: 'kafka', name: 'out', brokers, topic: uniqueName('no-such-topic') }],
      deadLetter: deadLetterFor(input),
    });
    const result = await datapipe(['run', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /DP_KAFKA_TOPIC_MISSING/);
  });
});
