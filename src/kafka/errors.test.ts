import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ProtocolError,
  UserError,
} from '@platformatic/kafka';
import { FatalError, RetryableError } from '../core/errors.ts';
import { classifyKafkaError, isUnknownTopicError } from './errors.ts';

describe('kafka error classification', () => {
  it('a failed login nested deep inside a network error is fatal', () => {
    const auth = new AuthenticationError('SASL authentication failed.', {
      cause: new ProtocolError('SASL_AUTHENTICATION_FAILED'),
    });
    const err = new MultipleErrors('Cannot connect to any broker.', [
      new NetworkError('Connection to 127.0.0.1:19094 failed.', { cause: auth }),
    ]);
    const classified = classifyKafkaError(err, 'joining');
    assert.ok(classified instanceof FatalError);
    assert.equal(classified.code, 'DP_KAFKA_AUTH');
    assert.match(classified.message, /SASL authentication failed/);
  });

  it('network trouble is retryable', () => {
    const classified = classifyKafkaError(new NetworkError('Connection refused'), 'fetching');
    assert.ok(classified instanceof RetryableError);
    assert.equal(classified.code, 'DP_KAFKA_UNAVAILABLE');
  });

  it('recognises an unknown topic, however the client reports it', () => {
    assert.equal(isUnknownTopicError(new UserError('Unknown topic orders.')), true);
    assert.equal(isUnknownTopicError(new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION')), true);
    assert.equal(isUnknownTopicError(new NetworkError('x')), false);
  });
});
