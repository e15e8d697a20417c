/** Record value → Kafka bytes. A value that already is bytes is written as is, whatever the encoding. */

import { DataError } from '../../core/errors.ts';
import type { PipelineRecord } from '../../core/plugin.ts';
import { originalJson, originalKey } from '../../core/record.ts';
import type { KafkaSinkOptions } from './options.ts';

export function encodeValue(value: unknown, encoding: KafkaSinkOptions['valueEncoding']): Buffer | undefined {
  if (value === null || value === undefined) return undefined; // a tombstone
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  switch (encoding) {
    case 'json': {
      const text = JSON.stringify(value);
      if (text === undefined) throw new DataError('DP_KAFKA_ENCODE', 'the value has no JSON form');
      return Buffer.from(text);
    }
    case 'string':
      return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
    case 'bytes':
      if (typeof value === 'string') return Buffer.from(value);
      throw new DataError(
        'DP_KAFKA_ENCODE',
        `valueEncoding bytes needs a Buffer or a string, got ${typeof value}`,
      );
  }
}

/** The key as Kafka bytes: an unread key goes out as the bytes it came in as, else its UTF-8. */
export function encodeKey(record: PipelineRecord): Buffer | undefined {
  return originalKey(record) ?? (record.key === null ? undefined : Buffer.from(record.key));
}

/** The record's value as Kafka bytes: an unchanged JSON value goes out as the bytes it came in as (0057). */
export function encodeRecordValue(
  record: PipelineRecord,
  encoding: KafkaSinkOptions['valueEncoding'],
): Buffer | undefined {
  return (encoding === 'json' ? originalJson(record) : undefined) ?? encodeValue(record.value, encoding);
}
