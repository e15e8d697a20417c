import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FatalError, RetryableError } from '../../../core/errors.ts';
import { classifyAzureError } from './azure-blob.ts';
import { classifyS3Error } from './s3.ts';

const s3Error = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });
const azureError = (code: string | undefined, status?: number) =>
  Object.assign(new Error(code ?? 'request failed'), {
    name: 'RestError',
    statusCode: status,
    code: status === undefined ? 'ECONNREFUSED' : undefined,
    details: code ? { errorCode: code } : undefined,
  });

describe('object-store error classes', () => {
  test('s3: auth and missing buckets are fatal; network, throttling and 5xx retryable', () => {
    assert.ok(classifyS3Error(s3Error('AccessDenied', 403), 'x') instanceof FatalError);
    assert.ok(classifyS3Error(s3Error('InvalidAccessKeyId', 403), 'x') instanceof FatalError);
    assert.ok(classifyS3Error(s3Error('SignatureDoesNotMatch', 403), 'x') instanceof FatalError);
    assert.ok(classifyS3Error(s3Error('Unknown', 401), 'x') instanceof FatalError);
    assert.ok(classifyS3Error(s3Error('NoSuchBucket', 404), 'x') instanceof FatalError);
    assert.ok(classifyS3Error(s3Error('SlowDown', 503), 'x') instanceof RetryableError);
    assert.ok(classifyS3Error(s3Error('InternalError', 500), 'x') instanceof RetryableError);
    assert.ok(classifyS3Error(s3Error('TooManyRequests', 429), 'x') instanceof RetryableError);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:19000'), {
      code: 'ECONNREFUSED',
    });
    assert.ok(classifyS3Error(refused, 'x') instanceof RetryableError);
    assert.ok(classifyS3Error(s3Error('InvalidArgument', 400), 'x') instanceof FatalError);
  });

  test('azure: AuthorizationFailure, 401/403 and a missing container are fatal; the rest retryable', () => {
    assert.ok(classifyAzureError(azureError('AuthorizationFailure', 403), 'x') instanceof FatalError);
    assert.ok(classifyAzureError(azureError('AuthenticationFailed', 403), 'x') instanceof FatalError);
    assert.ok(classifyAzureError(azureError(undefined, 401), 'x') instanceof FatalError);
    assert.ok(classifyAzureError(azureError('ContainerNotFound', 404), 'x') instanceof FatalError);
    assert.ok(classifyAzureError(azureError('ServerBusy', 503), 'x') instanceof RetryableError);
    assert.ok(classifyAzureError(azureError('InternalError', 500), 'x') instanceof RetryableError);
    assert.ok(classifyAzureError(azureError(undefined), 'x') instanceof RetryableError);
  });

  test('the message says what failed and the error code, never more', () => {
    const err = classifyS3Error(s3Error('AccessDenied', 403), 'cannot upload a/b.jsonl');
    assert.match(err.message, /^cannot upload a\/b\.jsonl: AccessDenied/);
    assert.equal((err as FatalError).code, 'DP_OBJECT_STORE_AUTH');
  });
});
