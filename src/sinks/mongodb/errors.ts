/**
 * How MongoDB failures map onto the engine's error classes. Kept apart from the sink so the policy
 * is one small, explicit object (as Vector's `RetryLogic`).
 */
import {
  MongoInvalidArgumentError,
  MongoMissingCredentialsError,
  MongoParseError,
  MongoServerError,
} from 'mongodb';
import {
  DataError,
  type DatapipeError,
  type ErrorClass,
  errorMessage,
  FatalError,
  RetryableError,
} from '../../core/errors.ts';

/** UserNotFound, Unauthorized, AuthenticationFailed, InvalidNamespace, AtlasError (auth). */
const FATAL_CODES = new Set([11, 13, 18, 73, 8000]);

/** Server states that pass: stepdowns, shutdowns, timeouts, lock and write conflicts, write concern. */
const RETRYABLE_CODES = new Set([
  6, 7, 24, 46, 50, 64, 89, 91, 112, 133, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);

export const DUPLICATE_KEY = 11000;

/** The class of one write error of a bulk write (an item-level failure): data unless proven otherwise. */
export function classOfWriteError(code: number | undefined): ErrorClass {
  if (code !== undefined && FATAL_CODES.has(code)) return 'fatal';
  if (code !== undefined && RETRYABLE_CODES.has(code)) return 'retryable';
  return 'data';
}

export function itemError(code: number | undefined, message: string): DataError {
  return new DataError(
    code === DUPLICATE_KEY
      ? 'DP_MONGODB_DUPLICATE_KEY'
      : code === 121
        ? 'DP_MONGODB_VALIDATION'
        : 'DP_MONGODB_REJECTED',
    message,
    { details: { mongoCode: code ?? -1 } },
  );
}

/** Classifies an error thrown by the driver for a whole operation. */
export function classifyMongoError(err: unknown, what: string): DatapipeError {
  const message = `mongodb ${what}: ${errorMessage(err)}`;
  if (
    (err as { name?: unknown } | null)?.name === 'MongoParseError' ||
    err instanceof MongoParseError ||
    err instanceof MongoInvalidArgumentError ||
    err instanceof MongoMissingCredentialsError
  ) {
    return new FatalError('DP_MONGODB_CONFIG', message, { cause: err });
  }
  if (err instanceof MongoServerError) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    const details = { mongoCode: code ?? -1 };
    if (code !== undefined && FATAL_CODES.has(code)) {
      return new FatalError(code === 73 ? 'DP_MONGODB_CONFIG' : 'DP_MONGODB_AUTH', message, {
        cause: err,
        details,
      });
    }
    if (code !== undefined && RETRYABLE_CODES.has(code)) {
      return new RetryableError('DP_MONGODB_UNAVAILABLE', message, { cause: err, details });
    }
    if (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('TransientTransactionError')) {
      return new RetryableError('DP_MONGODB_UNAVAILABLE', message, { cause: err, details });
    }
    // Neither transient nor auth, yet not about one item either: retrying is safer than dead-lettering
    // a whole batch for what is most likely a server-side condition.
    return new RetryableError('DP_MONGODB_SERVER', message, { cause: err, details });
  }
  // Network, server selection, topology closed, operation timeouts, and anything unknown: wait and retry.
  return new RetryableError('DP_MONGODB_UNAVAILABLE', message, { cause: err });
}
