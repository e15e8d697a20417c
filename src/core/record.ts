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
