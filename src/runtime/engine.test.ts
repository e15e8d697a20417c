import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError, FatalError, RetryableError } from '../core/errors.ts';
import type { PipelineRecord, SourceContext, SourcePosition } from '../core/plugin.ts';
import { originalJson } from '../core/record.ts';
import { DLQ_HEADER } from './dead-letter.ts';
import { runPipeline } from './engine.ts';
import { FakeSink, FakeSource, fakePipeline, fakePlugins, message, runOptions } from './test-fakes.ts';
import { waitFor } from './test-wait.ts';

/** Waits (without asserting any duration) until `cond` holds; fails after a deadline rather than hang. */
function until(cond: () => boolean): Promise<void> {
  return waitFor(String(cond), cond, 10_000, 2);
}

function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

describe('runPipeline', () => {
  it('writes each partition in offset order to every sink and commits the end of each partition', async () => {
    const deliveries = range(10).map((d) => [
      ...range(5, d * 5).map((o) => message(0, o, { n: o })),
      ...range(3, d * 3).map((o) => message(1, o, { n: o })),
    ]);
    const source = new FakeSource(deliveries);
    const a = new FakeSink();
    const b = new FakeSink();
    const loaded = fakePipeline({
      sinks: [
        { type: 'fake-a', name: 'a', batch: { maxRecords: 7 } },
        { type: 'fake-b', name: 'b', batch: { maxRecords: 3 } },
      ],
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { 'fake-a': a, 'fake-b': b })));
    assert.equal(summary.records_in, 80);
    assert.deepEqual(summary.records_out, { a: 80, b: 80 });
    for (const sink of [a, b]) {
      assert.deepEqual(sink.offsets(0), range(50));
      assert.deepEqual(sink.offsets(1), range(30));
      assert.equal(sink.maxConcurrent, 1, 'never two writes at once on one sink');
    }
    assert.deepEqual(source.committed(), { 't/0': 50, 't/1': 30 });
    assert.ok(source.closed && a.closed && b.closed);
    assert.equal((a.written[3] as PipelineRecord).value instanceof Object, true);
  });

  it('writes batches of different partitions at once to a sink that allows it, each partition in order (0096)', async () => {
    // four partitions in every delivery, each in a run of 20 (as the Kafka source hands them): two full
    // batches of a partition are sealed at once, and only one may be written at a time
    const deliveries = range(5).map((d) =>
      range(4).flatMap((p) => range(20, d * 20).map((o) => message(p, o, { p, o }))),
    );
    const source = new FakeSource(deliveries);
    // each write waits a little, as a store's fsync or request does, so that writes overlap
    const sink = new FakeSink(() => new Promise((resolve) => setTimeout(resolve, 2)));
    const loaded = fakePipeline({ sinks: [{ type: 'store', name: 'store', batch: { maxRecords: 8 } }] });
    const summary = await runPipeline(
      loaded,
      runOptions(fakePlugins(source, { store: sink }, [], { store: 3 })),
    );
    assert.deepEqual(summary.records_out, { store: 400 });
    for (const p of range(4))
      assert.deepEqual(sink.offsets(p), range(100), `partition ${p}: every record once, in order`);
    assert.ok(sink.maxConcurrent > 1, `writes overlapped (at most ${sink.maxConcurrent} at once)`);
    assert.ok(sink.maxConcurrent <= 3, `never more than the plugin allows (${sink.maxConcurrent})`);
    assert.equal(sink.samePartitionAtOnce, 0, 'never two batches of one partition at once');
    assert.equal(sink.mixedBatches, 0, 'each batch holds one partition');
    assert.deepEqual(source.committed(), { 't/0': 100, 't/1': 100, 't/2': 100, 't/3': 100 });
  });

  it('retries a failed batch of one partition while the other partitions go on, and loses nothing (0096)', async () => {
    const deliveries = range(10).map((d) =>
      range(3).flatMap((p) => range(4, d * 4).map((o) => message(p, o, { p, o }))),
    );
    const source = new FakeSource(deliveries);
    let failures = 0;
    const sink = new FakeSink(async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      // partition 1 fails three times, at its second batch
      if (batch[0]?.position.partition === 1 && batch[0].position.offset > 0 && failures < 3) {
        failures++;
        throw new RetryableError('DP_TEST_DOWN', 'connection refused');
      }
    });
    const loaded = fakePipeline({ sinks: [{ type: 'store', name: 'store', batch: { maxRecords: 6 } }] });
    const summary = await runPipeline(
      loaded,
      runOptions(fakePlugins(source, { store: sink }, [], { store: 4 })),
    );
    assert.equal(failures, 3);
    assert.deepEqual(summary.records_out, { store: 120 });
    for (const p of range(3))
      assert.deepEqual(sink.offsets(p), range(40), `partition ${p}: every record once, in order`);
    assert.equal(sink.samePartitionAtOnce, 0);
    assert.deepEqual(source.committed(), { 't/0': 40, 't/1': 40, 't/2': 40 });
  });

  it('commits only what the slowest required sink has written', async () => {
    const source = new FakeSource([range(10).map((o) => message(0, o, o))], { unbounded: true });
    const gate = Promise.withResolvers<void>();
    const fast = new FakeSink();
    const slow = new FakeSink(async (_batch, call) => {
      if (call === 2) await gate.promise;
    });
    const loaded = fakePipeline({
      sinks: [
        { type: 'fast', name: 'fast', batch: { maxRecords: 10 } },
        { type: 'slow', name: 'slow', batch: { maxRecords: 4 } },
      ],
    });
    const abort = new AbortController();
    const run = runPipeline(
      loaded,
      runOptions(fakePlugins(source, { fast, slow }), { signal: abort.signal }),
    );
    await until(() => fast.written.length === 10 && slow.calls === 2);
    await until(() => source.commits.length > 0);
    // The slow sink wrote offsets 0..3 and is stuck on 4..7: the commit point is 4, not 10.
    assert.deepEqual(source.committed(), { 't/0': 4 });
    gate.resolve();
    await until(() => source.committed()['t/0'] === 10);
    abort.abort();
    const summary = await run;
    assert.deepEqual(summary.records_out, { fast: 10, slow: 10 });
  });

  it('retries a sink that fails, and commits once it recovers', async () => {
    const source = new FakeSource([range(6).map((o) => message(0, o, o))]);
    const flaky = new FakeSink(async (_batch, call) => {
      if (call <= 3) throw new RetryableError('DP_TEST_DOWN', 'connection refused');
    });
    const options = runOptions(fakePlugins(source, { flaky }));
    const summary = await runPipeline(fakePipeline({ sinks: [{ type: 'flaky', name: 'flaky' }] }), options);
    assert.equal(flaky.calls, 4);
    assert.deepEqual(flaky.offsets(), range(6));
    assert.equal(summary.dead_lettered, 0);
    assert.deepEqual(source.committed(), { 't/0': 6 });
    const retries = await options.metrics.writeRetries.get();
    assert.equal(retries.values[0]?.value, 3);
  });

  it('dead-letters the records a sink rejects, with provenance and the original bytes, and commits the rest', async () => {
    const source = new FakeSource([range(5).map((o) => message(0, o, { n: o, bad: o === 2 }))]);
    const sink = new FakeSink(async (batch) => ({
      failed: batch.flatMap((r, index) =>
        (r.value as { bad: boolean }).bad
          ? [{ index, error: new DataError('DP_TEST_BAD', 'constraint violated') }]
          : [],
      ),
    }));
    const dlq = new FakeSink();
    const loaded = fakePipeline({
      sinks: [{ type: 'db', name: 'db' }],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { db: sink, dlq })));
    assert.deepEqual(sink.offsets(), [0, 1, 3, 4]);
    assert.equal(summary.dead_lettered, 1);
    assert.deepEqual(summary.records_out, { db: 4 });
    assert.deepEqual(source.committed(), { 't/0': 5 });
    const dead = dlq.written[0] as PipelineRecord;
    assert.deepEqual(dead.value, Buffer.from(JSON.stringify({ n: 2, bad: true })));
    assert.equal(dead.key, 'k2');
    assert.deepEqual(
      {
        topic: dead.headers[DLQ_HEADER.topic],
        partition: dead.headers[DLQ_HEADER.partition],
        offset: dead.headers[DLQ_HEADER.offset],
        stage: dead.headers[DLQ_HEADER.stage],
        class: dead.headers[DLQ_HEADER.errorClass],
        code: dead.headers[DLQ_HEADER.errorCode],
        message: dead.headers[DLQ_HEADER.errorMessage],
        attempts: dead.headers[DLQ_HEADER.attempts],
        pipeline: dead.headers[DLQ_HEADER.pipeline],
      },
      {
        topic: 't',
        partition: '0',
        offset: '2',
        stage: 'sink:db',
        class: 'data',
        code: 'DP_TEST_BAD',
        message: 'constraint violated',
        attempts: '1',
        pipeline: 'test',
      },
    );
  });

  it('bisects a batch rejected as a whole, so the neighbours of the bad records land', async () => {
    const source = new FakeSource([range(16).map((o) => message(0, o, { n: o }))]);
    const bad = new Set([5, 11]);
    const sink = new FakeSink(async (batch) => {
      if (batch.some((r) => bad.has(r.position.offset)))
        throw new DataError('DP_TEST_BAD', 'bad row in batch');
      return undefined;
    });
    const dlq = new FakeSink();
    const loaded = fakePipeline({
      sinks: [{ type: 'db', name: 'db', batch: { maxRecords: 16 } }],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { db: sink, dlq })));
    assert.deepEqual(
      sink.offsets(),
      range(16).filter((o) => !bad.has(o)),
    );
    assert.deepEqual(
      dlq.written.map((r) => r.position.offset),
      [5, 11],
    );
    assert.equal(summary.dead_lettered, 2);
    assert.deepEqual(source.committed(), { 't/0': 16 });
  });

  it('dead-letters a batch whose retries are exhausted, with the attempt count', async () => {
    const source = new FakeSource([range(3).map((o) => message(0, o, o))]);
    const down = new FakeSink(async () => {
      throw new RetryableError('DP_TEST_DOWN', 'still down', { retryAfterMs: 1 });
    });
    const dlq = new FakeSink();
    const loaded = fakePipeline({
      sinks: [{ type: 'down', name: 'down', retry: { maxAttempts: 3 } }],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { down, dlq })));
    assert.equal(down.calls, 3);
    assert.equal(summary.dead_lettered, 3);
    assert.deepEqual(
      dlq.written.map((r) => [r.headers[DLQ_HEADER.attempts], r.headers[DLQ_HEADER.errorClass]]),
      [
        ['3', 'retryable'],
        ['3', 'retryable'],
        ['3', 'retryable'],
      ],
    );
    assert.deepEqual(source.committed(), { 't/0': 3 });
  });

  it('dead-letters values that do not decode (stage decode) and keeps going', async () => {
    const source = new FakeSource([
      [message(0, 0, { ok: 1 }), message(0, 1, '{not json'), message(0, 2, { ok: 2 })],
    ]);
    const sink = new FakeSink();
    const dlq = new FakeSink();
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's' }],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { s: sink, dlq })));
    assert.deepEqual(sink.offsets(), [0, 2]);
    assert.equal(dlq.written[0]?.headers[DLQ_HEADER.stage], 'decode');
    assert.equal(dlq.written[0]?.headers[DLQ_HEADER.errorCode], 'DP_DECODE_INVALID_JSON');
    assert.deepEqual(dlq.written[0]?.value, Buffer.from('{not json'));
    assert.equal(summary.dead_lettered, 1);
    assert.deepEqual(source.committed(), { 't/0': 3 });
  });

  it('hands sinks the original value bytes when nothing reads values; invalid UTF-8 still goes to the DLQ byte for byte', async () => {
    const spelled = ['{ "n" : 1.0 }', '[1,\t2]', '"caf\\u00e9"'];
    const notUtf8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"a":"\xff\xfe"}
    const source = new FakeSource([
      [
        message(0, 0, spelled[0]),
        message(0, 1, spelled[1]),
        { ...message(0, 2, null), value: notUtf8 },
        message(0, 3, spelled[2]),
      ],
    ]);
    const sink = new FakeSink();
    const dlq = new FakeSink();
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's' }],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    await runPipeline(loaded, runOptions(fakePlugins(source, { s: sink, dlq })));
    assert.deepEqual(
      sink.written.map((r) => originalJson(r)?.toString('utf8')),
      spelled,
      'the bytes as read, not re-serialised',
    );
    assert.deepEqual(
      sink.written.map((r) => r.value),
      [{ n: 1 }, [1, 2], 'café'],
      'and the parsed value for a sink that reads it',
    );
    assert.equal(dlq.written.length, 1);
    assert.equal(dlq.written[0]?.headers[DLQ_HEADER.stage], 'decode');
    assert.equal(dlq.written[0]?.headers[DLQ_HEADER.errorCode], 'DP_DECODE_INVALID_UTF8');
    assert.ok(Buffer.isBuffer(dlq.written[0]?.value));
    assert.equal(Buffer.compare(dlq.written[0]?.value as Buffer, notUtf8), 0);
    assert.deepEqual(source.committed(), { 't/0': 4 });
  });

  it('does not check values when every sink ignores them (null); one sink that may read them brings the check back', async () => {
    const notUtf8 = Buffer.from([0x22, 0xff, 0x22]);
    const messages = () => [
      message(0, 0, '{ "n" : 1.0 }'),
      message(0, 1, '{not json'),
      { ...message(0, 2, null), value: notUtf8 },
    ];
    const ignores = new FakeSink();
    const dlq = new FakeSink();
    const alone = fakePipeline({
      sinks: [{ type: 'ignores', name: 'ignores' }],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    await runPipeline(
      alone,
      runOptions(fakePlugins(new FakeSource([messages()]), { ignores, dlq }, ['ignores'])),
    );
    assert.deepEqual(ignores.offsets(), [0, 1, 2], 'nothing read the values, so nothing was dead-lettered');
    assert.deepEqual(
      ignores.written.map((r) => originalJson(r)),
      [Buffer.from('{ "n" : 1.0 }'), Buffer.from('{not json'), notUtf8],
      'the bytes as read',
    );
    assert.equal(dlq.written.length, 0);

    const ignores2 = new FakeSink();
    const text = new FakeSink();
    const dlq2 = new FakeSink();
    const both = fakePipeline({
      sinks: [
        { type: 'ignores', name: 'ignores' },
        { type: 'text', name: 'text' },
      ],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    const plugins = fakePlugins(new FakeSource([messages()]), { ignores: ignores2, text, dlq: dlq2 }, [
      'ignores',
    ]);
    await runPipeline(both, runOptions(plugins));
    assert.deepEqual(text.offsets(), [0]);
    assert.deepEqual(ignores2.offsets(), [0]);
    assert.deepEqual(
      dlq2.written.map((r) => r.headers[DLQ_HEADER.errorCode]),
      ['DP_DECODE_INVALID_JSON', 'DP_DECODE_INVALID_UTF8'],
    );
  });

  it('a transform sees parsed values, and sinks then get its values, not the original bytes', async () => {
    const source = new FakeSource([[message(0, 0, '{ "n" : 2 }'), message(0, 1, '{"n":3}')]]);
    const sink = new FakeSink();
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's' }],
      transforms: [{ map: '{"m": n * 10}' }],
    });
    await runPipeline(loaded, runOptions(fakePlugins(source, { s: sink })));
    // JSONata builds its results with prototypes of its own: compare their JSON
    assert.deepEqual(JSON.parse(JSON.stringify(sink.written.map((r) => r.value))), [{ m: 20 }, { m: 30 }]);
    assert.deepEqual(
      sink.written.map((r) => originalJson(r)),
      [undefined, undefined],
    );
  });

  it('commits records that every transform filtered out', async () => {
    const source = new FakeSource([range(4).map((o) => message(0, o, { keep: false }))]);
    const sink = new FakeSink();
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }], transforms: [{ filter: 'keep' }] });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { s: sink })));
    assert.equal(sink.calls, 0);
    assert.equal(summary.filtered, 4);
    assert.deepEqual(source.committed(), { 't/0': 4 });
  });

  it('routes records by each sink’s `when`, and maps values', async () => {
    const source = new FakeSource([
      range(6).map((o) => message(0, o, { n: o, kind: o % 2 ? 'odd' : 'even' })),
    ]);
    const odd = new FakeSink();
    const all = new FakeSink();
    const loaded = fakePipeline({
      sinks: [
        { type: 'odd', name: 'odd', when: 'kind = "odd"' },
        { type: 'all', name: 'all' },
      ],
      transforms: [{ filter: 'n > 0' }, { map: '{"n": n * 10, "kind": kind, "key": $key}' }],
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { odd, all })));
    assert.deepEqual(
      odd.written.map((r) => JSON.parse(JSON.stringify(r.value))),
      [1, 3, 5].map((n) => ({ n: n * 10, kind: 'odd', key: `k${n}` })),
    );
    assert.deepEqual(all.offsets(), [1, 2, 3, 4, 5]);
    assert.deepEqual(summary.records_out, { odd: 3, all: 5 });
    assert.equal(summary.filtered, 1);
    assert.deepEqual(source.committed(), { 't/0': 6 });
  });

  it('pauses reading while the in-flight byte budget is full, and resumes as sinks catch up', async () => {
    const deliveries = range(20).map((o) => [message(0, o, { pad: 'x'.repeat(100) })]);
    const source = new FakeSource(deliveries);
    const gate = Promise.withResolvers<void>();
    const sink = new FakeSink(async () => {
      await gate.promise;
    });
    const options = runOptions(fakePlugins(source, { s: sink }));
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's', batch: { maxRecords: 2 } }],
      maxInFlightBytes: 1000,
    });
    const run = runPipeline(loaded, options);
    await until(() => sink.calls > 0);
    const paused = async () => (await options.metrics.pausedPartitions.get()).values[0]?.value;
    await waitFor('one paused partition', async () => (await paused()) === 1, 10_000, 2);
    // Each message costs ~240 bytes: reading stopped after the budget (1000) plus one delivery.
    assert.ok(source.taken < 6, `taken ${source.taken}`);
    gate.resolve();
    const summary = await run;
    assert.equal(summary.records_in, 20);
    assert.deepEqual(sink.offsets(), range(20));
    assert.deepEqual(source.committed(), { 't/0': 20 });
    assert.equal((await options.metrics.inFlightBytes.get()).values[0]?.value, 0);
  });

  it('reads ahead no more than three of the largest sink batch, even with a larger budget', async () => {
    // 100 deliveries of one ~64 KiB record (6.4 MiB) into a stalled sink whose batches hold 2 MiB: the
    // budget (64 MiB by default) would take them all; the read-ahead, 3 × 2 MiB, stops after ~96 + 1.
    const pad = 'x'.repeat(64 * 1024);
    const source = new FakeSource(range(100).map((o) => [message(0, o, { pad })]));
    const gate = Promise.withResolvers<void>();
    const sink = new FakeSink(async () => {
      await gate.promise;
    });
    const options = runOptions(fakePlugins(source, { s: sink }));
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's', batch: { maxRecords: 10_000, maxBytes: 2 * 1024 * 1024 } }],
    });
    const run = runPipeline(loaded, options);
    try {
      const paused = async () => (await options.metrics.pausedPartitions.get()).values[0]?.value;
      await waitFor('one paused partition', async () => (await paused()) === 1, 5_000, 2);
      assert.ok(source.taken >= 90 && source.taken <= 97, `taken ${source.taken}`);
      const budget = (await options.metrics.inFlightBudgetBytes.get()).values[0]?.value;
      assert.equal(budget, 6 * 1024 * 1024);
    } finally {
      gate.resolve(); // a failed assertion must not leave the run waiting
    }
    const summary = await run;
    assert.equal(summary.records_in, 100);
    assert.deepEqual(sink.offsets(), range(100));
  });

  it('on abort, flushes lingering batches and commits before closing', async () => {
    const source = new FakeSource([range(7).map((o) => message(0, o, o))], { unbounded: true });
    const sink = new FakeSink();
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's', batch: { linger: 3_600_000 } }] });
    const abort = new AbortController();
    const run = runPipeline(
      loaded,
      runOptions(fakePlugins(source, { s: sink }), { signal: abort.signal, onReady: () => {} }),
    );
    await until(() => source.taken === 1);
    assert.equal(sink.calls, 0, 'the batch lingers');
    abort.abort();
    const summary = await run;
    assert.deepEqual(sink.offsets(), range(7));
    assert.deepEqual(summary.records_out, { s: 7 });
    assert.deepEqual(source.committed(), { 't/0': 7 });
    assert.ok(source.closed && sink.closed);
  });

  it('stops waiting after the grace period, committing only what was written', async () => {
    const source = new FakeSource([range(4).map((o) => message(0, o, o))], { unbounded: true });
    const sink = new FakeSink(async (batch) => {
      if (batch.some((r) => r.position.offset >= 2)) throw new RetryableError('DP_TEST_DOWN', 'down');
      return undefined;
    });
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's', batch: { maxRecords: 2 } }],
      gracePeriod: 50,
    });
    const abort = new AbortController();
    const run = runPipeline(loaded, runOptions(fakePlugins(source, { s: sink }), { signal: abort.signal }));
    await until(() => sink.offsets().length === 2);
    abort.abort();
    const summary = await run;
    assert.deepEqual(summary.records_out, { s: 2 });
    assert.deepEqual(source.committed(), { 't/0': 2 });
  });

  it('drains partitions on request (rebalance): writes and commits them while lingering', async () => {
    const source = new FakeSource(
      [[...range(3).map((o) => message(0, o, o)), ...range(2).map((o) => message(1, o, o))]],
      { unbounded: true },
    );
    const sink = new FakeSink();
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's', batch: { linger: 3_600_000 } }] });
    const abort = new AbortController();
    const run = runPipeline(loaded, runOptions(fakePlugins(source, { s: sink }), { signal: abort.signal }));
    const ctx: SourceContext = await source.started.promise;
    await until(() => source.taken === 1);
    await ctx.drainPartitions([{ topic: 't', partition: 0 }]);
    assert.equal(source.committed()['t/0'], 3);
    abort.abort();
    await run;
    assert.deepEqual(source.committed(), { 't/0': 3, 't/1': 2 });
  });

  it('stops with the error when a sink fails fatally', async () => {
    const source = new FakeSource([range(3).map((o) => message(0, o, o))], { unbounded: true });
    const sink = new FakeSink(async () => {
      throw new FatalError('DP_TEST_AUTH', 'authentication failed');
    });
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }] });
    await assert.rejects(runPipeline(loaded, runOptions(fakePlugins(source, { s: sink }))), {
      code: 'DP_TEST_AUTH',
    });
    assert.deepEqual(source.committed(), {});
    assert.ok(source.closed && sink.closed);
  });

  it('stops with DP_SOURCE_FAILED when the source throws, committing only what was written', async () => {
    class BrokenSource extends FakeSource {
      override async run(ctx: SourceContext): Promise<void> {
        await super.run(ctx);
        throw new Error('socket hang up');
      }
    }
    const source = new BrokenSource([range(4).map((o) => message(0, o, o))]);
    const sink = new FakeSink();
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }] });
    await assert.rejects(
      runPipeline(loaded, runOptions(fakePlugins(source, { s: sink }))),
      (err: unknown) => {
        assert.ok(err instanceof FatalError);
        assert.equal(err.code, 'DP_SOURCE_FAILED');
        assert.match(err.message, /socket hang up/);
        return true;
      },
    );
    // Whatever was committed is covered by what the sink wrote (never past it).
    const committed = source.committed()['t/0'] ?? 0;
    assert.ok(committed <= sink.offsets().length, `committed ${committed}, written ${sink.offsets().length}`);
    assert.ok(source.closed && sink.closed);
  });

  it('a source error that is already classified keeps its code', async () => {
    class FencedSource extends FakeSource {
      override async run(): Promise<void> {
        throw new FatalError('DP_TEST_SASL', 'authentication failed');
      }
    }
    const source = new FencedSource([]);
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }] });
    await assert.rejects(runPipeline(loaded, runOptions(fakePlugins(source, { s: new FakeSink() }))), {
      code: 'DP_TEST_SASL',
    });
  });

  it('retries retryable commit failures until the final commit lands', async () => {
    class FlakyCommits extends FakeSource {
      failures = 0;
      override async commit(positions: readonly SourcePosition[]): Promise<void> {
        if (this.failures < 3) {
          this.failures++;
          throw new RetryableError('DP_TEST_COMMIT', 'coordinator moved');
        }
        await super.commit(positions);
      }
    }
    const source = new FlakyCommits([range(5).map((o) => message(0, o, o))]);
    const sink = new FakeSink();
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }] });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { s: sink })));
    assert.equal(source.failures, 3);
    assert.deepEqual(source.committed(), { 't/0': 5 });
    assert.deepEqual(summary.committed, [{ topic: 't', partition: 0, offset: 5 }]);
  });

  it('stops with the error when a commit fails fatally, and reports nothing committed', async () => {
    class RefusedCommits extends FakeSource {
      override async commit(): Promise<void> {
        throw new FatalError('DP_TEST_COMMIT_AUTH', 'not authorized to commit offsets');
      }
    }
    const source = new RefusedCommits([range(5).map((o) => message(0, o, o))]);
    const sink = new FakeSink();
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }] });
    await assert.rejects(runPipeline(loaded, runOptions(fakePlugins(source, { s: sink }))), {
      code: 'DP_TEST_COMMIT_AUTH',
    });
    assert.deepEqual(source.commits, []);
    assert.ok(source.closed && sink.closed);
  });

  it('does not wait for an optional sink before committing', async () => {
    const source = new FakeSource([range(3).map((o) => message(0, o, o))], { unbounded: true });
    const main = new FakeSink();
    const down = new FakeSink(async () => {
      throw new RetryableError('DP_TEST_DOWN', 'down');
    });
    const loaded = fakePipeline({
      sinks: [
        { type: 'main', name: 'main' },
        { type: 'down', name: 'down', required: false },
      ],
      gracePeriod: 20,
    });
    const abort = new AbortController();
    const run = runPipeline(
      loaded,
      runOptions(fakePlugins(source, { main, down }), { signal: abort.signal }),
    );
    await until(() => source.committed()['t/0'] === 3);
    abort.abort();
    const summary = await run;
    assert.deepEqual(summary.records_out, { main: 3, down: 0 });
  });

  it('fans out with a module transform; the offset waits for every copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-engine-'));
    writeFileSync(
      join(dir, 'split.ts'),
      'export default (r: { value: { parts: number[] } }) => r.value.parts.map((p) => ({ ...r, value: p }));\n',
    );
    const source = new FakeSource([[message(0, 0, { parts: [1, 2] }), message(0, 1, { parts: [] })]]);
    const sink = new FakeSink(async (batch) => ({
      failed: batch.flatMap((r, index) =>
        r.value === 2 ? [{ index, error: new DataError('DP_TEST_BAD', 'two') }] : [],
      ),
    }));
    const dlq = new FakeSink();
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's' }],
      deadLetter: { type: 'dlq', name: 'dlq' },
      transforms: [{ module: './split.ts' }],
      baseDir: dir,
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { s: sink, dlq })));
    assert.deepEqual(
      sink.written.map((r) => r.value),
      [1],
    );
    assert.equal(summary.dead_lettered, 1);
    assert.equal(summary.filtered, 1, 'an empty fan-out drops the record');
    assert.deepEqual(source.committed(), { 't/0': 2 });
  });

  it('stops without committing a record the dead-letter sink cannot take', async () => {
    const source = new FakeSource([[message(0, 0, 'not json'), message(0, 1, { ok: true })]], {
      unbounded: true,
    });
    const sink = new FakeSink();
    const dlq = new FakeSink(async () => {
      throw new DataError('DP_TEST_BAD', 'dead-letter rejected');
    });
    const loaded = fakePipeline({
      sinks: [{ type: 's', name: 's' }],
      deadLetter: { type: 'dlq', name: 'dlq' },
    });
    await assert.rejects(runPipeline(loaded, runOptions(fakePlugins(source, { s: sink, dlq }))), {
      code: 'DP_DLQ_WRITE_FAILED',
    });
    assert.deepEqual(source.committed(), {}, 'offset 0 was neither written nor dead-lettered');
  });

  it('loses nothing under random failures: every record is written or dead-lettered, in order, then committed', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const partitions = 3;
    const perPartition = 200;
    const next = [0, 0, 0];
    const deliveries = range(40).map(() =>
      range(15)
        .map(() => {
          const p = Math.floor(random() * partitions);
          const offset = next[p] as number;
          if (offset >= perPartition) return undefined;
          next[p] = offset + 1 + (random() < 0.1 ? 3 : 0); // gaps, as after compaction
          return message(p, offset, { bad: random() < 0.03 });
        })
        .filter((m) => m !== undefined),
    );
    const source = new FakeSource(deliveries);
    const chaotic = () =>
      new FakeSink(async (batch) => {
        const roll = random();
        if (roll < 0.15) throw new RetryableError('DP_TEST_DOWN', 'flaky');
        if (batch.some((r) => (r.value as { bad: boolean }).bad)) {
          if (roll < 0.5) throw new DataError('DP_TEST_BAD', 'bad record in batch');
          return {
            failed: batch.flatMap((r, index) =>
              (r.value as { bad: boolean }).bad
                ? [{ index, error: new DataError('DP_TEST_BAD', 'bad') }]
                : [],
            ),
          };
        }
        return undefined;
      });
    const a = chaotic();
    const b = chaotic();
    const dlq = new FakeSink();
    const loaded = fakePipeline({
      sinks: [
        { type: 'a', name: 'a', batch: { maxRecords: 7 } },
        { type: 'b', name: 'b', batch: { maxRecords: 13, linger: 1 } },
      ],
      deadLetter: { type: 'dlq', name: 'dlq', batch: { maxRecords: 5 } },
      maxInFlightBytes: 4000,
    });
    const summary = await runPipeline(loaded, runOptions(fakePlugins(source, { a, b, dlq })));
    const taken = deliveries.flat();
    const key = (r: { topic: string; partition: number; offset: number }) => `${r.partition}:${r.offset}`;
    for (const [name, sink] of [['a', a] as const, ['b', b] as const]) {
      for (let p = 0; p < partitions; p++) {
        const offsets = sink.offsets(p);
        assert.deepEqual(
          offsets,
          [...offsets].sort((x, y) => x - y),
          `${name} wrote partition ${p} in order`,
        );
      }
      const written = new Set(sink.written.map((r) => key(r.position)));
      const dead = new Set(
        dlq.written.filter((r) => r.headers[DLQ_HEADER.stage] === `sink:${name}`).map((r) => key(r.position)),
      );
      for (const m of taken) {
        assert.ok(written.has(key(m)) !== dead.has(key(m)), `${name}: ${key(m)} written xor dead-lettered`);
      }
    }
    assert.equal(summary.records_in, taken.length);
    const expected: Record<string, number> = {};
    for (const m of taken) expected[`t/${m.partition}`] = m.offset + 1;
    assert.deepEqual(source.committed(), expected);
  });

  it('retries connecting a sink that is not reachable yet', async () => {
    const source = new FakeSource([[message(0, 0, 1)]]);
    const sink = new FakeSink();
    let attempts = 0;
    sink.connect = async () => {
      if (++attempts < 3) throw new RetryableError('DP_TEST_DOWN', 'connection refused');
    };
    const summary = await runPipeline(
      fakePipeline({ sinks: [{ type: 's', name: 's' }] }),
      runOptions(fakePlugins(source, { s: sink })),
    );
    assert.equal(attempts, 3);
    assert.deepEqual(summary.records_out, { s: 1 });
  });

  it('returns without reading when aborted while sinks are still connecting', async () => {
    const source = new FakeSource([[message(0, 0, 1)]]);
    const sink = new FakeSink();
    const abort = new AbortController();
    sink.connect = async () => {
      abort.abort();
      throw new RetryableError('DP_TEST_DOWN', 'connection refused');
    };
    const summary = await runPipeline(
      fakePipeline({ sinks: [{ type: 's', name: 's' }] }),
      runOptions(fakePlugins(source, { s: sink }), { signal: abort.signal }),
    );
    assert.equal(summary.records_in, 0);
    assert.ok(sink.closed && source.closed);
  });
});
