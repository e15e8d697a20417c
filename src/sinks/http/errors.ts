/**
 * How HTTP outcomes map onto the engine's error classes: 408, 429 and 5xx (and network failures,
 * timeouts) are retryable, honouring Retry-After; 401 and 403 are fatal (credentials); any other 4xx
 * means the batch is refused as it is: a DataError, which the engine bisects to find the bad records.
 */
import {
  DataError,
  type DatapipeError,
  errorMessage,
  FatalError,
  RetryableError,
} from '../../core/errors.ts';

export function classifyResponse(
  status: number,
  retryAfter: string | null,
  bodyExcerpt: string,
  now = Date.now(),
): DatapipeError {
  const message = `http: the endpoint answered ${status}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`;
  const details = { status };
  if (status === 408 || status === 429 || status >= 500) {
    return new RetryableError('DP_HTTP_UNAVAILABLE', message, {
      details,
      retryAfterMs: parseRetryAfter(retryAfter, now),
    });
  }
  if (status === 401 || status === 403) return new FatalError('DP_HTTP_AUTH', message, { details });
  if (status >= 400) return new DataError('DP_HTTP_REJECTED', message, { details });
  // 1xx/3xx that fetch did not resolve: nothing says the batch was stored.
  return new RetryableError('DP_HTTP_UNEXPECTED', message, { details });
}

export function classifyFetchError(err: unknown, timeoutMs: number): RetryableError {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RetryableError('DP_HTTP_TIMEOUT', `http: no answer within ${timeoutMs}ms`, { cause: err });
  }
  const cause = (err as { cause?: unknown } | null)?.cause;
  return new RetryableError(
    'DP_HTTP_UNREACHABLE',
    `http: ${errorMessage(err)}${cause ? ` (${errorMessage(cause)})` : ''}`,
    {
      cause: err,
    },
  );
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
