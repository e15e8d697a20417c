import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, FatalError, RetryableError } from '../core/errors.ts';
import type { PipelineRecord } from '../core/record.ts';
import { OffsetTracker, type Ticket } from './offset-tracker.ts';
import { describeFailure, RetryPolicy } from './retry.ts';
import { SinkWriter } from './sink-writer.ts';
import { FakeSink, message, silentLogger, type WriteBehaviour } from './test-fakes.ts';

function batchOf(n: number) {
  const tracker = new OffsetTracker();
  const records: PipelineRecord[] = [];
  const tickets: Ticket[] = [];
  for (let o = 0; o < n; o++) {
    const m = message(0, o, o);
    records.push({ position: m, key: null, value: o, headers: {}, timestamp: 0, sizeBytes: 1 });
    tickets.push(tracker.take(m, 1));
  }
  return { records, tickets, bytes: n };
}

function setup(behaviour: WriteBehaviour, maxAttempts = 0) {
  const sink = new FakeSink(behaviour);
  const written: number[] = [];
  const failed: Array<{ offset: number; code: string; attempts: number }> = [];
  const writer = new SinkWriter({
    name: 's',
    sink,
    policy: new RetryPolicy({ maxAttempts, initialBackoff: 1, maxBackoff: 2 }),
    logger: silentLogger,
    signal: new AbortController().signal,
    onWritten: (tickets, start, end) => {
      for (let i = start; i < end; i++) written.push((tickets[i] as Ticket).message.offset);
    },
    onFailed: (record, _ticket, error, attempts) => {
      failed.push({ offset: record.position.offset, code: describeFailure(error).code, attempts });
    },
  });
  return { sink, writer, written, failed };
}

describe('SinkWriter', () => {
  it('acknowledges all but the records the sink reports as failed', async () => {
    const t = setup(async () => ({ failed: [{ index: 1, error: new DataError('DP_BAD', 'bad') }] }));
    assert.equal(await t.writer.write(batchOf(4)), 3, 'resolves to the records written');
    assert.deepEqual(t.written, [0, 2, 3]);
    assert.deepEqual(t.failed, [{ offset: 1, code: 'DP_BAD', attempts: 1 }]);
  });

  it('bisects a whole-batch DataError down to the bad records', async () => {
    const bad = new Set([3, 4, 9]);
    const t = setup(async (batch) => {
      if (batch.some((r) => bad.has(r.position.offset))) throw new DataError('DP_BAD', 'bad');
    });
    assert.equal(await t.writer.write(batchOf(12)), 9, 'resolves to the records written');
    assert.deepEqual(t.written, [0, 1, 2, 5, 6, 7, 8, 10, 11]);
    assert.deepEqual(
      t.failed.map((f) => f.offset),
      [3, 4, 9],
    );
    assert.ok(t.sink.calls < 12 * 2, `bisection used ${t.sink.calls} writes`);
  });

  it('retries retryable errors until the write succeeds', async () => {
    const t = setup(async (_batch, call) => {
      if (call < 3) throw new RetryableError('DP_DOWN', 'down');
    });
    assert.equal(await t.writer.write(batchOf(2)), 2);
    assert.deepEqual(t.written, [0, 1]);
    assert.equal(t.sink.calls, 3);
  });

  it('hands the whole batch over with the attempt count when retries are exhausted', async () => {
    const t = setup(async () => {
      throw new RetryableError('DP_DOWN', 'down');
    }, 2);
    assert.equal(await t.writer.write(batchOf(2)), 0);
    assert.deepEqual(t.written, []);
    assert.deepEqual(t.failed, [
      { offset: 0, code: 'DP_DOWN', attempts: 2 },
      { offset: 1, code: 'DP_DOWN', attempts: 2 },
    ]);
  });

  it('throws a FatalError to the caller', async () => {
    const t = setup(async () => {
      throw new FatalError('DP_AUTH', 'denied');
    });
    await assert.rejects(t.writer.write(batchOf(2)), { code: 'DP_AUTH' });
    assert.deepEqual(t.written, []);
  });
});
