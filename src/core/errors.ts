/**
 * Every failure is classified, because the class decides what the engine does with it:
 * - RetryableError: the operation may succeed later (network, throttling, 5xx) → backoff and retry.
 * - DataError: this record (or batch) can never be written as it is → dead-letter it, keep going.
 * - FatalError: nothing will work until a human acts (auth, bad config) → stop with a clear message.
 * Each carries a stable `code` (documented in docs/errors.md) and serialises to JSON without secrets.
 */

export type ErrorClass = 'retryable' | 'data' | 'fatal';

export interface DatapipeErrorOptions {
  readonly cause?: unknown;
  /** Extra, non-secret facts for logs and dead-letter headers. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export abstract class DatapipeError extends Error {
  abstract readonly errorClass: ErrorClass;
  readonly code: string;
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(code: string, message: string, options: DatapipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }

  get canRetry(): boolean {
    return this.errorClass === 'retryable';
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      class: this.errorClass,
      message: this.message,
      ...this.details,
    };
  }
}

export class RetryableError extends DatapipeError {
  readonly errorClass = 'retryable' as const;
  /** A server-advised wait (e.g. HTTP Retry-After), honoured instead of the computed backoff when larger. */
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, options: DatapipeErrorOptions & { retryAfterMs?: number } = {}) {
    super(code, message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export class DataError extends DatapipeError {
  readonly errorClass = 'data' as const;
}

export class FatalError extends DatapipeError {
  readonly errorClass = 'fatal' as const;
}

/** Anything thrown that is not a DatapipeError is treated as retryable: losing a record is worse than waiting. */
export function classOf(err: unknown): ErrorClass {
  return err instanceof DatapipeError ? err.errorClass : 'retryable';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
