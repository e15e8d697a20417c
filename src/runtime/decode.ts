/**
 * Turns what a source read (`SourceMessage`: raw bytes) into what transforms and sinks see
 * (`PipelineRecord`). A value that cannot be decoded is a DataError: the engine dead-letters the record
 * (stage `decode`) with its original bytes, and the rest of the partition keeps flowing.
 */
import { isUtf8 } from 'node:buffer';
import { DataError } from '../core/errors.ts';
import { JsonBytesRecord, NO_HEADERS, type PipelineRecord, type SourceMessage } from '../core/record.ts';
import { checkJsonText } from './json-check.ts';

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
  // most messages share the empty headers object: skip the enumeration (a for-in per record otherwise)
  if (message.headers === NO_HEADERS) return bytes;
  for (const name in message.headers) bytes += name.length + (message.headers[name]?.length ?? 0);
  return bytes;
}

/** Objects, the position and the decoded copy of the value: a rough but stable per-record cost. */
const RECORD_OVERHEAD_BYTES = 128;

/**
 * How a `json` value is decoded (decision 0077; meaningless for `string` and `bytes`):
 * - `parse`: parsed once, here; what transforms, routing conditions and sinks that read values need.
 * - `checked-bytes`: the record keeps the value's original bytes and parses them only when something
 *   reads `value` (a `JsonBytesRecord`, decision 0057); the bytes are checked here, so a value that is
 *   not UTF-8 or not JSON is dead-lettered at stage `decode` as before. For sinks that write the bytes
 *   as JSON text. The check is V8's own parser, whose result is dropped at once.
 * - `bytes`: the same record, not checked: only when every sink ignores values (the null sink). A value
 *   that is not JSON is then not dead-lettered, since nothing would ever trip on it.
 */
export type JsonDecoding = 'parse' | 'checked-bytes' | 'bytes';

export function createDecoder(kind: DecodeKind, json: JsonDecoding = 'parse'): Decoder {
  if (kind === 'json' && json !== 'parse') {
    const check = json === 'checked-bytes';
    return (message, bytes, copyHeaders) => {
      const headers = copyHeaders ? { ...message.headers } : (message.headers as Record<string, string>);
      const position = { topic: message.topic, partition: message.partition, offset: message.offset };
      if (message.value === null) {
        const key = message.key === null ? null : message.key.toString('utf8');
        return { position, key, value: null, headers, timestamp: message.timestamp, sizeBytes: bytes };
      }
      // unchecked bytes: whether they hold a line feed is not known
      const oneLine = check ? checkJson(message.value) === 0 : undefined;
      // the key's bytes too are decoded only if read
      return new JsonBytesRecord(
        position,
        message.key,
        message.value,
        headers,
        message.timestamp,
        bytes,
        oneLine,
      );
    };
  }
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
  json: (value) => parseJson(utf8(value)),
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError('DP_DECODE_INVALID_JSON', `value is not valid JSON: ${(err as Error).message}`);
  }
}

/** The line feeds in a JSON value; throws the DataError `decode` throws for bytes that are not UTF-8 or not JSON. */
function checkJson(value: Buffer): number {
  const lineFeeds = isUtf8(value) ? checkJsonText(value) : -1;
  if (lineFeeds >= 0) return lineFeeds;
  // Only a bad value gets here: decode it as `json` would, for the same error and message.
  parseJson(utf8(value));
  throw new DataError('DP_DECODE_INVALID_JSON', 'value is not valid JSON');
}

function utf8(value: Buffer): string {
  if (!isUtf8(value)) throw new DataError('DP_DECODE_INVALID_UTF8', 'value is not valid UTF-8');
  return value.toString('utf8');
}
