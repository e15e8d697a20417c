/** The request body of a batch and its idempotency key. */
import { createHash } from 'node:crypto';
import type { PipelineRecord } from '../../core/plugin.ts';
import { type JsonText, joinJson, jsonLines, valueJsonLine } from '../shared/json-text.ts';
import type { HttpOptions } from './options.ts';

export interface Payload {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * One buffer for the whole body. With `fields: value`, an unchanged value is its original bytes
 * (decision 0057); otherwise each item is `JSON.stringify`d.
 */
export function encodeBatch(
  batch: readonly PipelineRecord[],
  options: Pick<HttpOptions, 'format' | 'fields'>,
): Payload {
  const items: JsonText[] = batch.map((r) =>
    options.fields === 'value'
      ? (valueJsonLine(r, stringifyValue) ?? 'null')
      : JSON.stringify({
          key: r.key,
          value: jsonable(r.value),
          headers: r.headers,
          timestamp: r.timestamp,
          position: r.position,
        }),
  );
  if (options.format === 'ndjson') return { body: jsonLines(items), contentType: 'application/x-ndjson' };
  return { body: joinJson(items, '[', ',', ']'), contentType: 'application/json' };
}

function stringifyValue(value: unknown): string | undefined {
  return JSON.stringify(jsonable(value) ?? null);
}

/**
 * Stable for the same batch: the first and last positions and the record count. The engine hands a
 * partition's records in order and re-forms the same batch when it retries, so the key repeats exactly
 * when the content does. A position's fan-out index counts only when it is not 0 (the same text as
 * before fan-out had an identity, so earlier keys still match: docs/decisions/0016).
 */
export function idempotencyKey(batch: readonly PipelineRecord[]): string {
  const first = batch[0];
  const last = batch[batch.length - 1];
  const ends = [first, last].flatMap((r) => {
    const p = r?.position;
    const fields: unknown[] = [p?.topic, p?.partition, p?.offset];
    return p?.index ? [...fields, p.index] : fields;
  });
  const text = JSON.stringify([...ends, batch.length]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * A `bytes`-decoded value (a Buffer) travels as a base64 string. Only a top-level value can be a Buffer,
 * so no JSON.stringify replacer is needed (a replacer runs for every key and costs a quarter of the throughput).
 */
function jsonable(value: unknown): unknown {
  return Buffer.isBuffer(value) ? value.toString('base64') : value;
}
