/**
 * The raw AWS SDK doing the writes the object-store sink does with driver s3 and JSONL: per batch, one
 * PutObject per partition named after its offsets, each line the record value. No retries, no
 * watermark bookkeeping, no metrics.
 *
 *   node bench/workers/raw-s3.ts --brokers ... --topic T --group G --records N --endpoint http://... --bucket b --access-key k --secret-key s
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';
import { objectsByPartition } from './object-batches.ts';

const args = workerArgs(['endpoint', 'bucket', 'access-key', 'secret-key']);
const s3 = new S3Client({
  endpoint: args.extra['endpoint']!,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: args.extra['access-key']!, secretAccessKey: args.extra['secret-key']! },
});
const bucket = args.extra['bucket']!;

await consumeLoop(args, async (batch: RawMessage[]) => {
  await Promise.all(
    objectsByPartition(batch, 'raw/', args.topic, 'jsonl').map(({ name, messages }) => {
      // parsed and re-serialised, as the sink's JSONL format does with a decoded value
      const body = messages.map((m) => `${JSON.stringify(JSON.parse(m.value.toString('utf8')))}\n`).join('');
      return s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: name, Body: body, ContentType: 'application/x-ndjson' }),
      );
    }),
  );
});
s3.destroy();
