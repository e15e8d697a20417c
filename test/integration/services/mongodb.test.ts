import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { MongoClient } from 'mongodb';
import { services } from '../../support/services.ts';

test('mongodb: ping, insert and find', { timeout: 30_000 }, async () => {
  const client = new MongoClient(services.mongodb.url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    assert.equal((await client.db('admin').command({ ping: 1 })).ok, 1);
    const collection = client
      .db('datapipe_smoke')
      .collection<{ _id: string; n: number; tags: string[] }>(`c_${randomUUID().replaceAll('-', '')}`);
    await collection.insertMany([
      { _id: 'a', n: 1, tags: ['x'] },
      { _id: 'b', n: 2, tags: ['y', 'z'] },
    ]);
    const found = await collection.find({ n: { $gte: 2 } }).toArray();
    assert.deepEqual(found, [{ _id: 'b', n: 2, tags: ['y', 'z'] }]);
    await collection.drop();
  } finally {
    await client.close();
  }
});
