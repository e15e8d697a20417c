/**
 * The small interface every object-store backend implements. The sink does naming, formats and replay
 * reconciliation once; a driver only moves bytes and classifies its errors (RetryableError for network,
 * throttling and 5xx; FatalError for auth and missing buckets/containers).
 */

/**
 * An object's bytes: one buffer, or chunks to be stored one after the other. A JSONL body is chunks so
 * that the records' original bytes reach the fs driver's `writev` without being copied into one buffer
 * first (decision 0094); a driver whose client wants one buffer joins them with `bodyBytes`.
 */
export type ObjectBody = Uint8Array | readonly Uint8Array[];

/** The body as one Buffer (chunks are copied into a new one; a single buffer is viewed, not copied). */
export function bodyBytes(body: ObjectBody): Buffer {
  const one = body instanceof Uint8Array ? body : body.length === 1 ? body[0] : undefined;
  if (one === undefined) return joinChunks(body as readonly Uint8Array[]);
  return Buffer.isBuffer(one) ? one : Buffer.from(one.buffer, one.byteOffset, one.byteLength);
}

/**
 * `Buffer.concat`, except that a one-byte chunk is stored rather than copied: a JSONL body is half such
 * chunks (the newline after each record's bytes), and a copy costs about the same per call whatever its
 * size. Measured on a body of 2,000 × 1 KiB records: 350–430 µs against `Buffer.concat`'s 530.
 */
function joinChunks(chunks: readonly Uint8Array[]): Buffer {
  const out = Buffer.allocUnsafe(bodyLength(chunks));
  let at = 0;
  for (const chunk of chunks) {
    if (chunk.byteLength === 1) out[at++] = chunk[0] as number;
    else {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
  }
  return out;
}

/** How many bytes the body holds. */
export function bodyLength(body: ObjectBody): number {
  if (body instanceof Uint8Array) return body.byteLength;
  let length = 0;
  for (const chunk of body) length += chunk.byteLength;
  return length;
}

export interface ObjectStoreDriver {
  /** For logs, e.g. `s3://bucket` (never a secret). */
  readonly location: string;
  /** Checks that the store is reachable and usable. */
  check(): Promise<void>;
  /** Stores `body` under `name`, atomically: a reader sees the whole object or none. Overwrites. */
  put(name: string, body: ObjectBody): Promise<void>;
  /** Names of the stored objects starting with `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  get(name: string): Promise<Buffer>;
  /** Removes one object (only `datapipe check` does, for its probe object); a missing object is no error. */
  delete(name: string): Promise<void>;
  close(): Promise<void>;
}

/** The MIME type an object is stored with, from its extension. */
export function contentTypeOf(name: string): string {
  if (name.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  if (name.endsWith('.gz')) return 'application/gzip';
  if (name.endsWith('.zst')) return 'application/zstd';
  return 'application/x-ndjson';
}

/** Node's codes for a server certificate it cannot verify: a config problem (a missing `caBundle`), never transient. */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS verification code of `err` or of one of its causes, if any. */
export function tlsVerifyCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && TLS_VERIFY_CODES.has(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
