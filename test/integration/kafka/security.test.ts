/**
 * TLS + SASL against the broker's SASL_SSL listener, through `datapipe run` as a real process: each
 * mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) reads records, and the password — given only as a
 * `${ENV}` reference — never appears in the process output, even at debug level and on a failed login.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { services } from '../../support/services.ts';
import {
  createTopic,
  datapipe,
  deadLetterFor,
  produce,
  sinkRowCount,
  startDatapipe,
  tempDir,
  uniqueName,
  waitFor,
  writePipeline,
} from './support.ts';

const RECORDS = 200;
/** `${KAFKA_TEST_PASSWORD}`, spelled so that no linter takes it for a broken template string. */
const PASSWORD_REF = '$' + '{KAFKA_TEST_PASSWORD}';

function securePipeline(dir: string, topic: string, mechanism: string, passwordRef: string): string {
  return writePipeline(dir, {
    name: 'secure',
    source: {
      type: 'kafka',
      brokers: [services.kafka.saslBootstrap],
      topics: [topic],
      groupId: uniqueName('secure'),
      tls: { ca: services.kafka.caFile },
      sasl: { mechanism, username: services.kafka.saslUser, password: passwordRef },
    },
    sinks: [{ type: 'sqlite', name: 'db', path: join(dir, 'out.db'), key: '$position' }],
    deadLetter: deadLetterFor(topic),
    observability: { enabled: false, logLevel: 'debug' },
  });
}

describe('kafka over TLS with SASL', () => {
  const password = services.kafka.saslPassword();

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']) {
    it(`consumes with ${mechanism} and never logs the password`, async () => {
      const topic = await createTopic(uniqueName('secure'), 2);
      await produce(
        topic,
        Array.from({ length: RECORDS }, (_, i) => ({ value: JSON.stringify({ id: i }) })),
      );
      const dir = tempDir('secure');
      const file = securePipeline(dir, topic, mechanism, PASSWORD_REF);
      const run = startDatapipe(['run', file], join(dir, 'datapipe.log'), { KAFKA_TEST_PASSWORD: password });
      try {
        await waitFor(`${RECORDS} rows over SASL_SSL`, () => sinkRowCount(join(dir, 'out.db')) >= RECORDS);
      } finally {
        run.child.kill('SIGTERM');
        await run.exited;
      }
      const logs = run.logs();
      assert.match(logs, /pipeline running/);
      assert.ok(logs.length > 0);
      assert.equal(logs.includes(password), false, 'the SASL password appears in the logs');
    });
  }

  it('a wrong password stops the run with DP_KAFKA_AUTH, and the canary never appears', async () => {
    const canary = `canary-${uniqueName('pw')}`;
    const topic = await createTopic(uniqueName('secure-bad'), 1);
    const dir = tempDir('secure-bad');
    const file = securePipeline(dir, topic, 'SCRAM-SHA-512', PASSWORD_REF);
    const result = await datapipe(['run', file], { KAFKA_TEST_PASSWORD: canary });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /DP_KAFKA_AUTH/);
    assert.equal(result.stdout.includes(canary) || result.stderr.includes(canary), false, 'canary leaked');
  });

  it('refuses a password written in the config instead of a reference', async () => {
    const dir = tempDir('secure-inline');
    const file = securePipeline(dir, 'any-topic', 'PLAIN', 'inline-password-123');
    const result = await datapipe(['validate', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /sasl\.password.*reference/);
    assert.equal(result.stderr.includes('inline-password-123'), false);
  });
});
