/** The request body of a batch and its idempotency key. */
import { createHash } from 'node:crypto';
import type { PipelineRecord } from '../../runtime/plugin.ts';
import type { HttpOptions } from './options.ts';

export interface Payload {
  readonly body: string;
  readonly contentType: string;
}

export function encodeBatch(
  batch: readonly PipelineRecord[],
  options: Pick<HttpOptions, 'format' | 'fields'>,
): Payload {
  const items = batch.map((r) =>
    options.fields === 'value'
      ? r.value
      : { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, position: r.position },
  );
  if (options.format === 'ndjson') {
    const lines = items.map((item) => JSON.stringify(item ?? null, bufferAsBase64));
    return { body: `${lines.join('\n')}\n`, contentType: 'application/x-ndjson' };
  }
  return { body: JSON.stringify(items, bufferAsBase64), contentType: 'application/json' };
}

/**
 * Stable for the same batch: the first and last positions and the record count. The engine hands a
 * partition's records in order and re-forms the same batch when it retries, so the key repeats exactly
 * when the content does.
 */
export function idempotencyKey(batch: readonly PipelineRecord[]): string {
  const first = batch[0]?.position;
  const last = batch[batch.length - 1]?.position;
  const text = JSON.stringify([
    first?.topic,
    first?.partition,
    first?.offset,
    last?.topic,
    last?.partition,
    last?.offset,
    batch.length,
  ]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function bufferAsBase64(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  return Buffer.isBuffer(original) ? original.toString('base64') : value;
}
