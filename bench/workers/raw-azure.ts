/**
 * The raw @azure/storage-blob client doing the writes the object-store sink does with driver azure-blob
 * and JSONL: per batch, one block blob per partition named after its offsets (uploaded with the options
 * of the sink's driver), each line the value's bytes as they came from Kafka. No retries, no watermark
 * bookkeeping, no metrics.
 *
 *   node bench/workers/raw-azure.ts --brokers ... --topic T --group G --records N --connection-string ... --container c --prefix p/
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';
import { objectsByPartition, valueLines } from './object-batches.ts';

const args = workerArgs(['connection-string', 'container', 'prefix', 'part-size']);
const container = BlobServiceClient.fromConnectionString(args.extra['connection-string']!, {
  retryOptions: { maxTries: 3, maxRetryDelayInMs: 2000 },
}).getContainerClient(args.extra['container']!);
const partSize = Number(args.extra['part-size']);

await consumeLoop(args, async (batch: RawMessage[]) => {
  await Promise.all(
    objectsByPartition(batch, args.extra['prefix']!, args.topic, 'jsonl').map(({ name, messages }) =>
      container.getBlockBlobClient(name).uploadData(valueLines(messages), {
        blockSize: partSize,
        maxSingleShotSize: partSize,
        concurrency: 4,
        blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
      }),
    ),
  );
});
