/**
 * The raw @platformatic/kafka producer doing the writes the kafka sink does: the idempotent producer
 * (acks=all, no compression) sends each batch to the output topic, every record with its key, value
 * bytes, timestamp, headers and the `datapipe.source.*` provenance headers. The output topic is created
 * first (broker defaults), as the sink's `createTopic` does. No retries, no metrics.
 *
 *   node bench/workers/raw-kafka.ts --brokers ... --topic T --group G --records N --output-topic O
 */
import { Admin, type MessageToProduce, ProduceAcks, Producer } from '@platformatic/kafka';
import { SOURCE_HEADER } from '../../src/sinks/kafka/sink.ts';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';

const args = workerArgs(['output-topic']);
const output = args.extra['output-topic']!;
const client = { clientId: 'datapipe-bench-raw-producer', bootstrapBrokers: args.brokers };
const admin = new Admin(client);
await admin.createTopics({ topics: [output], partitions: -1, replicas: -1 });
await admin.close();
const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
  ...client,
  idempotent: true,
  acks: ProduceAcks.ALL,
  compression: 'none',
  autocreateTopics: false,
});
const topicHeader = Buffer.from(SOURCE_HEADER.topic);
const partitionHeader = Buffer.from(SOURCE_HEADER.partition);
const offsetHeader = Buffer.from(SOURCE_HEADER.offset);
const sourceTopic = Buffer.from(args.topic);

type Consumed = RawMessage & { key?: Buffer | null; headers?: Map<Buffer, Buffer>; timestamp: bigint };

await consumeLoop(args, async (batch: RawMessage[]) => {
  const messages = (batch as Consumed[]).map((m): MessageToProduce<Buffer, Buffer, Buffer, Buffer> => {
    const headers = new Map(m.headers);
    headers.set(topicHeader, sourceTopic);
    headers.set(partitionHeader, Buffer.from(String(m.partition)));
    headers.set(offsetHeader, Buffer.from(String(m.offset)));
    return {
      topic: output,
      ...(m.key ? { key: m.key } : {}),
      value: m.value,
      headers,
      timestamp: m.timestamp,
    };
  });
  await producer.send({ messages });
});
await producer.close();
