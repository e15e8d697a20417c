/**
 * Node's fetch doing the requests the http sink does with `format: ndjson`: per batch, one POST of the
 * values' bytes as they came from Kafka, one per line, with an idempotency key from the batch's first
 * and last positions; a non-2xx answer fails the run. No retries, no metrics.
 *
 *   node bench/workers/raw-http.ts --brokers ... --topic T --group G --records N --url http://...
 */
import { createHash } from 'node:crypto';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';
import { valueLines } from './object-batches.ts';

const args = workerArgs(['url']);
const url = args.extra['url']!;

await consumeLoop(args, async (batch: RawMessage[]) => {
  const first = batch[0]!;
  const last = batch.at(-1)!;
  const key = createHash('sha256')
    .update(
      `${args.topic}:${first.partition}:${first.offset}:${last.partition}:${last.offset}:${batch.length}`,
    )
    .digest('hex')
    .slice(0, 32);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', 'Idempotency-Key': key },
    body: valueLines(batch),
    signal: AbortSignal.timeout(30_000),
  });
  await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status}`);
});
