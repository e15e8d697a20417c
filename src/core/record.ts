/**
 * The shapes that flow through the engine. A source hands over `SourceMessage`s (raw bytes and their
 * position); the engine decodes each into a `PipelineRecord`; transforms rewrite `value`; every sink
 * receives `PipelineRecord`s and identifies them by `position` (or a configured key) so that a replay
 * rewrites instead of duplicating.
 */

/** Where a record came from: the identity a replay reproduces. Offsets are < 2^53 in practice. */
export interface SourcePosition {
  /** Kafka topic, or the stream name of an embedded source (e.g. the file name). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * A record's identity: its source position plus, for the records a transform fanned one source record
 * out to, the index within that expansion. The first (or only) record has index 0, written as absent, so a
 * record that is not fanned out keeps the identity it always had (docs/decisions/0016-fan-out-identity.md).
 */
export interface RecordPosition extends SourcePosition {
  readonly index?: number;
}

/** What a source delivers: undecoded bytes plus metadata, exactly as read. */
export interface SourceMessage extends SourcePosition {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch: the broker/source timestamp. */
  readonly timestamp: number;
}

/** A decoded record as transforms and sinks see it. */
export interface PipelineRecord {
  readonly position: RecordPosition;
  /** The record key as a string (UTF-8), or null. */
  key: string | null;
  /** The decoded value: a JSON value for `json`, a string for `string`, a Buffer for `bytes`; null is a tombstone. */
  value: unknown;
  headers: Record<string, string>;
  timestamp: number;
  /** Approximate bytes this record holds in memory; the engine's byte budget counts it. */
  readonly sizeBytes: number;
}

/** `topic/partition` — the key used for per-partition maps. */
export function partitionKey(p: { topic: string; partition: number }): string {
  return `${p.topic}/${p.partition}`;
}

/** The headers of a message that has none: one shared, frozen object instead of one per record. */
export const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

const UNREAD: unique symbol = Symbol('unread');

/**
 * A `json` record whose value is parsed only when something reads it (docs/decisions/0057). Until then,
 * and as long as nothing assigns a new value, it keeps the value's original bytes, and sinks that write
 * JSON text write those bytes as they are (`originalJson`). The engine uses it only when no transform
 * and no routing condition reads values, and it has already checked that the bytes are valid UTF-8 and
 * valid JSON (so reading `value` cannot fail). `key` and `value` live on the prototype: a spread copy
 * (`{ ...record }`) would not carry them, which is why transforms, which may copy, get plain records.
 */
export class JsonBytesRecord implements PipelineRecord {
  readonly position: RecordPosition;
  headers: Record<string, string>;
  timestamp: number;
  readonly sizeBytes: number;
  #bytes: Buffer | undefined;
  #value: unknown = UNREAD;
  /** The key, or its UTF-8 bytes until something reads it (like the value, most sinks never do). */
  #key: string | Buffer | null;
  /** Whether the original bytes hold no line feed; undefined until known. */
  #oneLine: boolean | undefined;

  constructor(
    position: RecordPosition,
    key: string | Buffer | null,
    bytes: Buffer,
    headers: Record<string, string>,
    timestamp: number,
    sizeBytes: number,
    /** Known when the bytes were checked (the JSON check counts line feeds); else looked for if asked. */
    oneLine?: boolean,
  ) {
    this.position = position;
    this.#key = key;
    this.#bytes = bytes;
    this.#oneLine = oneLine;
    this.headers = headers;
    this.timestamp = timestamp;
    this.sizeBytes = sizeBytes;
  }

  get key(): string | null {
    if (Buffer.isBuffer(this.#key)) this.#key = this.#key.toString('utf8');
    return this.#key;
  }

  set key(key: string | null) {
    this.#key = key;
  }

  get value(): unknown {
    if (this.#value === UNREAD) this.#value = JSON.parse((this.#bytes as Buffer).toString('utf8'));
    return this.#value;
  }

  set value(value: unknown) {
    this.#value = value;
    this.#bytes = undefined;
  }

  /** The key's original bytes, while nothing has read or set the key. */
  get originalKeyBytes(): Buffer | undefined {
    return Buffer.isBuffer(this.#key) ? this.#key : undefined;
  }

  /** The value's original bytes, while the value is still theirs. */
  get originalBytes(): Buffer | undefined {
    return this.#bytes;
  }

  /** The value's original bytes, while the value is still theirs and they hold no line feed. */
  get originalLine(): Buffer | undefined {
    const bytes = this.#bytes;
    if (bytes === undefined) return undefined;
    this.#oneLine ??= bytes.indexOf(LINE_FEED) === -1;
    return this.#oneLine ? bytes : undefined;
  }

  /** Enumerable copies (JSON.stringify, structured logging) see the value like a plain record's. */
  toJSON(): PipelineRecord {
    const { position, key, value, headers, timestamp, sizeBytes } = this;
    return { position, key, value, headers, timestamp, sizeBytes };
  }
}

/**
 * The record's value as the JSON text it was read as, when nothing changed it: a sink that writes JSON
 * writes these bytes instead of `JSON.stringify(value)` (the same value; the original spelling). Undefined
 * when the value must be serialised.
 */
export function originalJson(record: PipelineRecord): Buffer | undefined {
  return record instanceof JsonBytesRecord ? record.originalBytes : undefined;
}

/**
 * `originalJson` for one line of JSON Lines: undefined also when the bytes hold a line feed (pretty-printed
 * JSON), which must then be re-serialised on one line.
 */
export function originalJsonLine(record: PipelineRecord): Buffer | undefined {
  return record instanceof JsonBytesRecord ? record.originalLine : undefined;
}

const LINE_FEED = 0x0a;

/**
 * The record's key as the bytes it was read as, when nothing read or changed it: a sink that writes the
 * key as bytes writes these, unchanged even when they are not UTF-8. Undefined when the key must be encoded.
 */
export function originalKey(record: PipelineRecord): Buffer | undefined {
  return record instanceof JsonBytesRecord ? record.originalKeyBytes : undefined;
}
