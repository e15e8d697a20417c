/**
 * The raw AWS SDK doing the writes the object-store sink does with driver s3 and JSONL: per batch, one
 * PutObject per partition named after its offsets, each line the record value. No retries, no
 * watermark bookkeeping, no metrics.
 *
 *   node bench/workers/raw-s3.ts --brokers ... --topic T --group G --records N --endpoint http://... --bucket b --access-key k --secret-key s
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';

const args = workerArgs(['endpoint', 'bucket', 'access-key', 'secret-key']);
const s3 = new S3Client({
  endpoint: args.extra['endpoint']!,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: args.extra['access-key']!, secretAccessKey: args.extra['secret-key']! },
});
const bucket = args.extra['bucket']!;
const pad = (n: bigint) => n.toString().padStart(10, '0');

await consumeLoop(args, async (batch: RawMessage[]) => {
  const byPartition = new Map<number, RawMessage[]>();
  for (const m of batch) {
    const list = byPartition.get(m.partition) ?? [];
    list.push(m);
    byPartition.set(m.partition, list);
  }
  await Promise.all(
    [...byPartition].map(([partition, messages]) => {
      // parsed and re-serialised, as the sink's JSONL format does with a decoded value
      const body = messages.map((m) => `${JSON.stringify(JSON.parse(m.value.toString('utf8')))}\n`).join('');
      const key = `raw/${args.topic}/partition=${partition}/${pad(messages[0]!.offset)}-${pad(messages.at(-1)!.offset)}.jsonl`;
      return s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
      );
    }),
  );
});
s3.destroy();
