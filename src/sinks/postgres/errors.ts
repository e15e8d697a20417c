/**
 * How PostgreSQL failures map onto the engine's error classes, by SQLSTATE
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html). One small explicit policy.
 */
import {
  DataError,
  type DatapipeError,
  type ErrorClass,
  errorMessage,
  FatalError,
  RetryableError,
} from '../../core/errors.ts';

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * data: the rows are refused as they are (22 data exception, 23 integrity constraint, 21000 a row affected
 * twice, 54000 too large); fatal: auth (28), missing database (3D), privileges, unknown table/column and
 * other statement errors (42) — a human must fix the config or the schema; retryable: everything else,
 * notably connection loss (08), shutdown (57P0x), serialization/deadlock (40001, 40P01), resources (53).
 */
export function classOfPgError(err: unknown): ErrorClass {
  const state = sqlState(err);
  if (state === undefined) return 'retryable';
  const cls = state.slice(0, 2);
  if (cls === '22' || cls === '23' || state === '21000' || state === '54000') return 'data';
  if (cls === '28' || cls === '3D' || cls === '42' || cls === '0L' || cls === '0P') return 'fatal';
  return 'retryable';
}

/** True when the connection that raised `err` cannot be reused. */
export function isBrokenConnection(err: unknown): boolean {
  const state = sqlState(err);
  if (state === undefined) return true;
  return state.startsWith('08') || state.startsWith('57P') || state.startsWith('XX') || state === '57014';
}

export function classifyPgError(err: unknown, what: string): DatapipeError {
  if (err instanceof DataError || err instanceof FatalError || err instanceof RetryableError) return err;
  const state = sqlState(err);
  const message = `postgres ${what}: ${errorMessage(err)}${state ? ` (SQLSTATE ${state})` : ''}`;
  const details: Record<string, string> = state ? { sqlState: state } : {};
  const options = { cause: err, details };
  switch (classOfPgError(err)) {
    case 'data':
      return new DataError('DP_POSTGRES_REJECTED', message, options);
    case 'fatal':
      return new FatalError(
        state?.startsWith('28') ? 'DP_POSTGRES_AUTH' : 'DP_POSTGRES_SCHEMA',
        message,
        options,
      );
    default:
      return new RetryableError('DP_POSTGRES_UNAVAILABLE', message, options);
  }
}
