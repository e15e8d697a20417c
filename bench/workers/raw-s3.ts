/**
 * The raw AWS SDK doing the writes the object-store sink does with driver s3 and JSONL: per batch, one
 * PutObject per partition named after its offsets, each line the record value. No retries, no
 * watermark bookkeeping, no metrics.
 *
 *   node bench/workers/raw-s3.ts --brokers ... --topic T --group G --records N --endpoint http://... --bucket b --access-key k --secret-key s
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';
import { objectsByPartition, valueLines } from './object-batches.ts';

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
    objectsByPartition(batch, 'raw/', args.topic, 'jsonl').map(({ name, messages }) =>
      // the values' bytes as they came, like the sink writes a value nothing changed (decision 0057)
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: name,
          Body: valueLines(messages),
          ContentType: 'application/x-ndjson',
        }),
      ),
    ),
  );
});
s3.destroy();
