import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveReferences } from '../config/references.ts';
import { FatalError } from '../core/errors.ts';
import { clientOptions, kafkaConnectionSchema } from './connection.ts';

const ctx = { pipelineName: 'orders', baseDir: process.cwd() };
const REF = '$' + '{KAFKA_CONNECTION_TEST_PASSWORD}';

describe('kafka connection options', () => {
  it('accepts a SASL password only as a reference', () => {
    const resolved = resolveReferences(
      { brokers: ['b:9092'], sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: REF } },
      { env: { KAFKA_CONNECTION_TEST_PASSWORD: 'from-the-env-123' }, baseDir: ctx.baseDir },
    );
    assert.equal(kafkaConnectionSchema.safeParse(resolved).success, true);
    const inline = kafkaConnectionSchema.safeParse({
      brokers: ['b:9092'],
      sasl: { mechanism: 'PLAIN', username: 'u', password: 'written-in-the-file' },
    });
    assert.equal(inline.success, false);
    assert.match(inline.error?.issues[0]?.message ?? '', /reference/);
  });

  it('builds client options: default client id, TLS files read, verification on unless skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-conn-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    const conn = kafkaConnectionSchema.parse({ brokers: ['a:9092', 'b:9093'], tls: { ca: 'ca.pem' } });
    const options = clientOptions(conn, { pipelineName: 'orders', baseDir: dir });
    assert.equal(options.clientId, 'datapipe-orders');
    assert.deepEqual(options.bootstrapBrokers, ['a:9092', 'b:9093']);
    assert.equal((options.tls as { ca: Buffer }).ca.toString(), 'CA');
    assert.equal((options.tls as { rejectUnauthorized: boolean }).rejectUnauthorized, true);
    assert.equal(options.sasl, undefined);
  });

  it('a missing TLS file is a fatal error naming the file', () => {
    const conn = kafkaConnectionSchema.parse({ brokers: ['a:9092'], tls: { ca: 'nope.pem' } });
    assert.throws(
      () => clientOptions(conn, ctx),
      (err: unknown) => err instanceof FatalError && /nope\.pem/.test(err.message),
    );
  });

  it('rejects brokers that are not host:port', () => {
    assert.equal(kafkaConnectionSchema.safeParse({ brokers: ['kafka'] }).success, false);
  });
});
