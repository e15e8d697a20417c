/**
 * Turns what a source read (`SourceMessage`: raw bytes) into what transforms and sinks see
 * (`PipelineRecord`). A value that cannot be decoded is a DataError: the engine dead-letters the record
 * (stage `decode`) with its original bytes, and the rest of the partition keeps flowing.
 */
import { isUtf8 } from 'node:buffer';
import { DataError } from '../core/errors.ts';
import type { PipelineRecord, SourceMessage } from '../core/record.ts';

export type DecodeKind = 'json' | 'string' | 'bytes';

/**
 * Decodes one message; `bytes` is its `messageBytes`, computed once by the caller. `copyHeaders` gives
 * the record its own headers object (for transforms that mutate it).
 */
export type Decoder = (message: SourceMessage, bytes: number, copyHeaders: boolean) => PipelineRecord;

/** Bytes of a message that count against the in-flight budget: payload, key, headers and a fixed overhead. */
export function messageBytes(message: SourceMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES;
  if (message.value !== null) bytes += message.value.length;
  if (message.key !== null) bytes += message.key.length;
  for (const name in message.headers) bytes += name.length + (message.headers[name]?.length ?? 0);
  return bytes;
}

/** Objects, the position and the decoded copy of the value: a rough but stable per-record cost. */
const RECORD_OVERHEAD_BYTES = 128;

export function createDecoder(kind: DecodeKind): Decoder {
  const decodeValue = VALUE_DECODERS[kind];
  return (message, bytes, copyHeaders) => ({
    position: { topic: message.topic, partition: message.partition, offset: message.offset },
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? null : decodeValue(message.value),
    headers: copyHeaders ? { ...message.headers } : (message.headers as Record<string, string>),
    timestamp: message.timestamp,
    sizeBytes: bytes,
  });
}

const VALUE_DECODERS: Record<DecodeKind, (value: Buffer) => unknown> = {
  bytes: (value) => value,
  string: (value) => utf8(value),
  json: (value) => {
    const text = utf8(value);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new DataError('DP_DECODE_INVALID_JSON', `value is not valid JSON: ${(err as Error).message}`);
    }
  },
};

function utf8(value: Buffer): string {
  if (!isUtf8(value)) throw new DataError('DP_DECODE_INVALID_UTF8', 'value is not valid UTF-8');
  return value.toString('utf8');
}
