import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { services } from '../../support/services.ts';

const { kafka } = services;

test('kafka: produce and consume in a consumer group (PLAINTEXT)', { timeout: 60_000 }, async () => {
  const topic = `smoke-${randomUUID()}`;
  const admin = new Admin({ clientId: 'smoke-admin', bootstrapBrokers: [kafka.bootstrap] });
  const producer = new Producer({
    clientId: 'smoke-producer',
    bootstrapBrokers: [kafka.bootstrap],
    serializers: stringSerializers,
  });
  const consumer = new Consumer({
    clientId: 'smoke-consumer',
    groupId: `smoke-group-${randomUUID()}`,
    bootstrapBrokers: [kafka.bootstrap],
    deserializers: stringDeserializers,
    maxWaitTime: 500,
  });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await producer.send({
      messages: ['a', 'b', 'c'].map((value, i) => ({ topic, key: `k${i}`, value })),
    });
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const got: string[] = [];
    for await (const message of stream) {
      got.push(message.value);
      await message.commit();
      if (got.length === 3) break;
    }
    await stream.close();
    assert.deepEqual(got, ['a', 'b', 'c']);
  } finally {
    await consumer.close(true);
    await producer.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.close();
  }
});

for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] as const) {
  test(`kafka: SASL_SSL ${mechanism} produce and list topics`, { timeout: 60_000 }, async () => {
    const connection = {
      bootstrapBrokers: [kafka.saslBootstrap],
      tls: { ca: readFileSync(kafka.caFile) },
      sasl: { mechanism, username: kafka.saslUser, password: kafka.saslPassword() },
    };
    const topic = `smoke-sasl-${randomUUID()}`;
    const admin = new Admin({ clientId: 'smoke-sasl-admin', ...connection });
    const producer = new Producer({
      clientId: 'smoke-sasl-producer',
      serializers: stringSerializers,
      ...connection,
    });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      const topics = await admin.listTopics();
      assert.ok(topics.includes(topic));
      const result = await producer.send({ messages: [{ topic, value: 'hello' }] });
      assert.equal(result.offsets?.[0]?.offset, 0n);
    } finally {
      await producer.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.close();
    }
  });
}

test('kafka: SASL_SSL rejects a wrong password', { timeout: 30_000 }, async () => {
  const admin = new Admin({
    clientId: 'smoke-sasl-bad',
    bootstrapBrokers: [kafka.saslBootstrap],
    tls: { ca: readFileSync(kafka.caFile) },
    sasl: { mechanism: 'SCRAM-SHA-512', username: kafka.saslUser, password: 'wrong' },
    retries: 0,
  });
  try {
    await assert.rejects(admin.listTopics());
  } finally {
    await admin.close();
  }
});
