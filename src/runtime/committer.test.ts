import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { FatalError, RetryableError } from '../core/errors.ts';
import type { SourcePosition } from '../core/record.ts';
import { Committer } from './committer.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { message } from './test-fakes.ts';

/** A tracker with offsets 0..n-1 of partition 0 finished: committable up to n. */
function finished(n: number): OffsetTracker {
  const tracker = new OffsetTracker();
  for (let o = 0; o < n; o++) tracker.release(tracker.take(message(0, o, o), 10));
  return tracker;
}

function logger(lines: string[]) {
  return pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
}

describe('Committer', () => {
  it('a failed commit rejects, is not marked committed, is logged when retryable, and the next call retries', async () => {
    const tracker = finished(3);
    const lines: string[] = [];
    const calls: SourcePosition[][] = [];
    let fail = true;
    const committed: SourcePosition[][] = [];
    const committer = new Committer({
      tracker,
      logger: logger(lines),
      commit: async (positions) => {
        calls.push([...positions]);
        if (fail) throw new RetryableError('DP_TEST_COMMIT', 'coordinator not available');
      },
      onCommitted: (positions) => committed.push([...positions]),
    });
    await assert.rejects(committer.commit(), { code: 'DP_TEST_COMMIT' });
    assert.deepEqual(committed, []);
    assert.equal(tracker.committedOffset({ topic: 't', partition: 0 }), undefined);
    assert.match(lines.join(''), /commit failed; will retry/);
    fail = false;
    tracker.release(tracker.take(message(0, 3, 3), 10));
    await committer.commit();
    // The retry carries the then-current point (4), not the failed one (3).
    assert.deepEqual(
      calls.map((c) => c[0]?.offset),
      [3, 4],
    );
    assert.deepEqual(committed, [[{ topic: 't', partition: 0, offset: 4 }]]);
    assert.equal(tracker.committedOffset({ topic: 't', partition: 0 }), 4);
  });

  it('a fatal commit error rejects without the retry warning', async () => {
    const lines: string[] = [];
    const committer = new Committer({
      tracker: finished(1),
      logger: logger(lines),
      commit: async () => {
        throw new FatalError('DP_TEST_AUTH', 'not authorized to commit');
      },
    });
    await assert.rejects(committer.commit(), { code: 'DP_TEST_AUTH' });
    assert.equal(lines.length, 0);
  });

  it('requests during a failing commit run once after it, and do not inherit its failure', async () => {
    const tracker = finished(2);
    const gate = Promise.withResolvers<void>();
    let calls = 0;
    const committer = new Committer({
      tracker,
      logger: logger([]),
      commit: async () => {
        calls++;
        if (calls === 1) {
          await gate.promise;
          throw new RetryableError('DP_TEST_COMMIT', 'request timed out');
        }
      },
    });
    const first = committer.commit();
    const second = committer.commit();
    const third = committer.commit();
    gate.resolve();
    await assert.rejects(first, { code: 'DP_TEST_COMMIT' });
    await second;
    await third;
    assert.equal(calls, 2, 'one follow-up commit for both requests');
    assert.equal(tracker.committedOffset({ topic: 't', partition: 0 }), 2);
  });
});
