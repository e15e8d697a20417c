/**
 * The raw MongoDB driver doing the writes the mongodb sink does with `writeModel: insert` (what the
 * bench configures, see scenarios.ts), fed by the bare Kafka client: per batch, one unordered
 * bulkWrite of insertOne keyed by `_id = topic:partition:offset`. No retries, no metrics.
 *
 *   node bench/workers/raw-mongodb.ts --brokers ... --topic T --group G --records N --url mongodb://... --collection c
 */
import { type AnyBulkWriteOperation, type Document, MongoClient } from 'mongodb';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';

const args = workerArgs(['url', 'collection']);
const client = new MongoClient(args.extra['url']!);
await client.connect();
const collection = client.db('bench').collection(args.extra['collection']!);

await consumeLoop(args, async (batch: RawMessage[]) => {
  const operations: AnyBulkWriteOperation<Document>[] = batch.map((m) => {
    const _id = `${args.topic}:${m.partition}:${m.offset}` as unknown as Document['_id'];
    const fields = JSON.parse(m.value.toString('utf8')) as Document;
    return { insertOne: { document: { ...fields, _id } } };
  });
  await collection.bulkWrite(operations, { ordered: false });
});
await client.close();
