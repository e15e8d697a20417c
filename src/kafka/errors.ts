/**
 * Turns @platformatic/kafka errors into datapipe's classes: authentication and authorization failures
 * are fatal (nothing works until a human acts), a record the broker refuses is a data error, anything
 * else (network, timeouts, leader changes) is retryable.
 */
import { AuthenticationError } from '@platformatic/kafka';
import { DataError, type DatapipeError, errorMessage, FatalError, RetryableError } from '../core/errors.ts';

const FATAL_API_ERRORS = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

const DATA_API_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

/**
 * Every error inside `err`: itself, the errors it aggregates and its causes. The client nests the reason
 * deep (a NetworkError "connection failed" caused by an AuthenticationError caused by the broker's answer).
 */
function nestedErrors(err: unknown, depth = 0): Error[] {
  if (!(err instanceof Error) || depth > 8) return [];
  const inner = err instanceof AggregateError ? err.errors.flatMap((e) => nestedErrors(e, depth + 1)) : [];
  return [err, ...inner, ...nestedErrors(err.cause, depth + 1)];
}

/** True when the broker answered with error `id` (e.g. `UNKNOWN_TOPIC_OR_PARTITION`) anywhere in `err`. */
export function hasKafkaApiError(err: unknown, id: string): boolean {
  return nestedErrors(err).some((e) => (e as { apiId?: unknown }).apiId === id);
}

/** True when a topic does not exist (the client reports it as a UserError "Unknown topic ..."). */
export function isUnknownTopicError(err: unknown): boolean {
  return (
    hasKafkaApiError(err, 'UNKNOWN_TOPIC_OR_PARTITION') ||
    nestedErrors(err).some(
      (e) => (e as { code?: unknown }).code === 'PLT_KFK_USER' && /^Unknown topic /.test(e.message),
    )
  );
}

/** True for a failed login or a refused permission: retrying cannot help. */
export function isKafkaAuthError(err: unknown): boolean {
  return (
    nestedErrors(err).some((e) => (e as { code?: unknown }).code === AuthenticationError.code) ||
    [...FATAL_API_ERRORS].some((id) => hasKafkaApiError(err, id))
  );
}

function kafkaApiError(err: unknown): string | undefined {
  return [...FATAL_API_ERRORS, ...DATA_API_ERRORS].find((id) => hasKafkaApiError(err, id));
}

export function classifyKafkaError(err: unknown, doing: string): DatapipeError {
  const message = `${doing}: ${describe(err)}`;
  const apiError = kafkaApiError(err);
  if (isKafkaAuthError(err)) {
    return new FatalError('DP_KAFKA_AUTH', message, {
      cause: err,
      details: apiError ? { kafkaError: apiError } : {},
    });
  }
  if (apiError && DATA_API_ERRORS.has(apiError)) {
    return new DataError('DP_KAFKA_RECORD_REJECTED', message, {
      cause: err,
      details: { kafkaError: apiError },
    });
  }
  return new RetryableError('DP_KAFKA_UNAVAILABLE', message, { cause: err });
}

/** The message of an error and of the deepest errors inside it (the actual reason), without stack traces. */
function describe(err: unknown): string {
  const top = errorMessage(err);
  const inner = [
    ...new Set(
      nestedErrors(err)
        .slice(1)
        .map((e) => e.message),
    ),
  ].filter((m) => m !== top);
  return inner.length === 0 ? top : `${top} (${inner.slice(-3).join('; ')})`;
}
