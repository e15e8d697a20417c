import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, RetryableError } from '../core/errors.ts';
import { RetriesExhaustedError, RetryPolicy, retrying } from './retry.ts';

describe('RetryPolicy', () => {
  it('draws a full-jitter wait below an exponentially growing, capped ceiling', () => {
    const max = new RetryPolicy({ maxAttempts: 0, initialBackoff: 100, maxBackoff: 1000 }, () => 0.999999);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 30].map((a) => max.delayMs(a)),
      [99, 199, 399, 799, 999, 999],
    );
    const min = new RetryPolicy({ maxAttempts: 0, initialBackoff: 100, maxBackoff: 1000 }, () => 0);
    assert.equal(min.delayMs(4), 0);
  });

  it('honours a longer Retry-After advised by the server', () => {
    const policy = new RetryPolicy({ maxAttempts: 0, initialBackoff: 100, maxBackoff: 1000 }, () => 0.5);
    assert.equal(policy.delayMs(1, new RetryableError('DP_X', 'throttled', { retryAfterMs: 5000 })), 5000);
    assert.equal(policy.delayMs(1, new RetryableError('DP_X', 'throttled', { retryAfterMs: 1 })), 50);
  });

  it('retries retryable errors only, forever when maxAttempts is 0', () => {
    const forever = new RetryPolicy({ maxAttempts: 0, initialBackoff: 1, maxBackoff: 1 });
    const three = new RetryPolicy({ maxAttempts: 3, initialBackoff: 1, maxBackoff: 1 });
    const retryable = new RetryableError('DP_X', 'down');
    assert.equal(forever.shouldRetry(retryable, 1_000_000), true);
    assert.equal(three.shouldRetry(retryable, 2), true);
    assert.equal(three.shouldRetry(retryable, 3), false);
    assert.equal(forever.shouldRetry(new DataError('DP_X', 'bad'), 1), false);
    assert.equal(forever.shouldRetry(new Error('unclassified'), 1), true);
  });
});

describe('retrying', () => {
  const fast = (maxAttempts: number) => new RetryPolicy({ maxAttempts, initialBackoff: 1, maxBackoff: 2 });

  it('returns once the call succeeds', async () => {
    let calls = 0;
    const value = await retrying(async () => {
      if (++calls < 3) throw new RetryableError('DP_X', 'down');
      return 'ok';
    }, fast(0));
    assert.equal(value, 'ok');
    assert.equal(calls, 3);
  });

  it('gives up with the attempt count and the last error', async () => {
    const err = await retrying(async () => {
      throw new RetryableError('DP_X', 'down');
    }, fast(4)).catch((e: unknown) => e);
    assert.ok(err instanceof RetriesExhaustedError);
    assert.equal(err.attempts, 4);
    assert.equal((err.cause as RetryableError).code, 'DP_X');
  });

  it('rethrows a non-retryable error at once', async () => {
    let calls = 0;
    await assert.rejects(
      retrying(async () => {
        calls++;
        throw new DataError('DP_BAD', 'bad');
      }, fast(0)),
      { code: 'DP_BAD' },
    );
    assert.equal(calls, 1);
  });

  it('stops waiting when aborted', async () => {
    const abort = new AbortController();
    const slow = new RetryPolicy(
      { maxAttempts: 0, initialBackoff: 3_600_000, maxBackoff: 3_600_000 },
      () => 1,
    );
    const run = retrying(
      async () => {
        throw new RetryableError('DP_X', 'down');
      },
      slow,
      { signal: abort.signal, onRetry: () => abort.abort(new Error('shutting down')) },
    );
    await assert.rejects(run, { message: 'shutting down' });
  });
});
