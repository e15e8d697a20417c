/** The demo's input: a fresh topic filled with a known set of order events (keyed by orderId). */
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { orderEvent } from '../../src/sources/generator-templates.ts';

export async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'datapipe-demo-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    // Metadata propagates asynchronously, even on one broker.
    for (let i = 0; i < 100; i++) {
      const md = await admin.metadata({ topics: [topic] });
      if (md.topics.get(topic)?.partitionsCount === partitions) return;
      await sleep(100);
    }
    throw new Error(`topic ${topic} did not appear`);
  } finally {
    await admin.close();
  }
}

/** Produces `count` order events (the generator's `orders` template, seed 1), keyed by orderId. */
export async function produceOrders(brokers: string[], topic: string, count: number): Promise<void> {
  const producer = new Producer<string, string, string, string>({
    clientId: 'datapipe-demo-producer',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
  });
  const start = Date.parse('2026-01-01T00:00:00Z');
  try {
    for (let sent = 0; sent < count; sent += 500) {
      const messages = [];
      for (let i = sent; i < Math.min(count, sent + 500); i++) {
        const event = orderEvent(i, 1, start + i * 1000);
        messages.push({ topic, key: event.key, value: JSON.stringify(event.value) });
      }
      await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
}
