import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, FatalError, RetryableError } from '../../core/errors.ts';
import { classifyFetchError, classifyResponse, parseRetryAfter } from './errors.ts';

describe('http error classification', () => {
  it('408, 429 and 5xx are retryable; 401 and 403 fatal; other 4xx a DataError', () => {
    for (const s of [408, 429, 500, 502, 503, 504])
      assert.ok(classifyResponse(s, null, '') instanceof RetryableError, `${s}`);
    for (const s of [401, 403]) assert.ok(classifyResponse(s, null, '') instanceof FatalError, `${s}`);
    for (const s of [400, 404, 409, 413, 422])
      assert.ok(classifyResponse(s, null, '') instanceof DataError, `${s}`);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('5', now), 5000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
    const err = classifyResponse(429, '2', '', now);
    assert.ok(err instanceof RetryableError);
    assert.equal(err.retryAfterMs, 2000);
  });

  it('timeouts and network failures are retryable', () => {
    const timeout = classifyFetchError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 1000);
    assert.equal(timeout.code, 'DP_HTTP_TIMEOUT');
    const refused = classifyFetchError(
      new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }),
      1000,
    );
    assert.equal(refused.code, 'DP_HTTP_UNREACHABLE');
    assert.match(refused.message, /ECONNREFUSED/);
  });
});
