/**
 * How long to wait before trying again, and when to give up: exponential backoff with full jitter
 * (a random wait between 0 and min(maxBackoff, initialBackoff * 2^(attempt-1))), so that many
 * pipelines hitting one recovering server do not retry in lockstep. A server's own advice
 * (`RetryableError.retryAfterMs`, e.g. HTTP Retry-After) wins when it asks for longer.
 */
import { classOf, type DatapipeError, RetryableError } from '../core/errors.ts';

export interface RetrySettings {
  /** Attempts in total before giving up; 0 tries forever. */
  readonly maxAttempts: number;
  readonly initialBackoff: number;
  readonly maxBackoff: number;
}

export class RetryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly #random: () => number;

  constructor(settings: RetrySettings, random: () => number = Math.random) {
    this.maxAttempts = settings.maxAttempts;
    this.initialBackoffMs = settings.initialBackoff;
    this.maxBackoffMs = Math.max(settings.maxBackoff, settings.initialBackoff);
    this.#random = random;
  }

  /** Whether `err`, raised by attempt number `attempt` (1-based), deserves another attempt. */
  shouldRetry(err: unknown, attempt: number): boolean {
    return classOf(err) === 'retryable' && (this.maxAttempts === 0 || attempt < this.maxAttempts);
  }

  /** The wait before the attempt after `attempt`. */
  delayMs(attempt: number, err?: unknown): number {
    const ceiling = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(attempt - 1, 52));
    const jittered = Math.floor(this.#random() * ceiling);
    const advised = err instanceof RetryableError ? (err.retryAfterMs ?? 0) : 0;
    return Math.max(jittered, advised);
  }
}

/** Thrown when a policy with `maxAttempts` gave up; `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
  }
}

export interface RetryHooks {
  /** Aborting stops the waiting: the call rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Called before each wait, e.g. to count and log retries. */
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `fn` until it succeeds. A non-retryable error is rethrown as is; retryable errors are retried
 * per the policy, and when it gives up a RetriesExhaustedError is thrown.
 */
export async function retrying<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    hooks.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (classOf(err) !== 'retryable') throw err;
      if (!policy.shouldRetry(err, attempt)) throw new RetriesExhaustedError(attempt, err);
      const delay = policy.delayMs(attempt, err);
      hooks.onRetry?.(err, attempt, delay);
      await sleep(delay, hooks.signal);
    }
  }
}

/** A wait that an AbortSignal can cut short (rejecting with its reason). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error class/code/message of a failure, for logs and dead-letter headers. */
export function describeFailure(err: unknown): { errorClass: string; code: string; message: string } {
  const root = err instanceof RetriesExhaustedError ? err.cause : err;
  const e = root as Partial<DatapipeError> | undefined;
  return {
    errorClass: classOf(root),
    code: typeof e?.code === 'string' ? e.code : 'DP_UNCLASSIFIED',
    message: root instanceof Error ? root.message : String(root),
  };
}
