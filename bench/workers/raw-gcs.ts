/**
 * The raw @google-cloud/storage client doing the writes the object-store sink does with driver gcs and
 * JSONL against a GCS-API server without auth: per batch, one object per partition named after its
 * offsets (a single-request upload with a CRC32C check, like the sink's driver below `partSize`, computed
 * by the same native function), each line the value's bytes as they came from Kafka. No retries, no
 * watermark bookkeeping, no metrics.
 *
 *   node bench/workers/raw-gcs.ts --brokers ... --topic T --group G --records N --endpoint http://... --bucket b --prefix p/
 */
import { Storage } from '@google-cloud/storage';
import { nativeCrc32cGenerator } from '../../src/sinks/object-store/drivers/gcs-crc32c.ts';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';
import { objectsByPartition, valueLines } from './object-batches.ts';

const args = workerArgs(['endpoint', 'bucket', 'prefix']);
const bucket = new Storage({
  apiEndpoint: args.extra['endpoint']!,
  useAuthWithCustomEndpoint: false,
  retryOptions: { autoRetry: true, maxRetries: 2, maxRetryDelay: 2, totalTimeout: 30 },
  // the sink driver's checksum, computed the way it computes it (decision 0102)
  crc32cGenerator: nativeCrc32cGenerator(),
}).bucket(args.extra['bucket']!);

await consumeLoop(args, async (batch: RawMessage[]) => {
  await Promise.all(
    objectsByPartition(batch, args.extra['prefix']!, args.topic, 'jsonl').map(({ name, messages }) =>
      bucket.file(name).save(valueLines(messages), {
        resumable: false,
        contentType: 'application/x-ndjson',
        validation: 'crc32c',
      }),
    ),
  );
});
