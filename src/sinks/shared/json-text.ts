/**
 * JSON text built from pieces without concatenating strings per record: a record's piece is either a
 * string (`JSON.stringify` output) or the value's original bytes (`originalJson`), and a whole batch
 * becomes ONE buffer, sized first and then filled (decision 0057), or, for a writer that takes chunks,
 * the original bytes themselves between buffers of the rest (decision 0094).
 */
import { originalJsonLine, type PipelineRecord } from '../../core/record.ts';

export type JsonPiece = string | Buffer;
/** One JSON document: a piece, or pieces to be written one after the other. */
export type JsonText = JsonPiece | readonly JsonPiece[];

/**
 * The value as JSON text for one line of JSON Lines: its original bytes when it is unchanged and holds
 * no line break (pretty-printed JSON does; that is then re-serialised), else `serialise(value)`.
 * `undefined` when `serialise` finds no JSON form.
 */
export function valueJsonLine(
  record: PipelineRecord,
  serialise: (value: unknown) => string | undefined,
): JsonPiece | undefined {
  return originalJsonLine(record) ?? serialise(record.value);
}

/** `open`, the documents separated by `separator`, `close`: as one buffer. */
export function joinJson(docs: readonly JsonText[], open: string, separator: string, close: string): Buffer {
  let total = Buffer.byteLength(open) + Buffer.byteLength(close);
  const separatorBytes = Buffer.byteLength(separator);
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) total += separatorBytes;
    const doc = docs[i] as JsonText;
    if (typeof doc === 'string' || Buffer.isBuffer(doc)) total += pieceLength(doc);
    else for (const piece of doc) total += pieceLength(piece);
  }
  const out = Buffer.allocUnsafe(total);
  let at = out.write(open, 0);
  // the separator's bytes, copied per document (a string write per document cost ~0.1 µs each)
  const separatorBuffer = Buffer.from(separator);
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) at = putSeparator(out, at, separatorBuffer);
    const doc = docs[i] as JsonText;
    if (typeof doc === 'string' || Buffer.isBuffer(doc)) at = put(out, at, doc);
    else for (const piece of doc) at = put(out, at, piece);
  }
  out.write(close, at);
  return out;
}

/** JSON Lines: every document followed by a newline. */
export function jsonLines(docs: readonly JsonText[]): Buffer {
  return joinJson(docs, '', '\n', docs.length > 0 ? '\n' : '');
}

const NEWLINE = Buffer.from('\n');

/**
 * JSON Lines as chunks to be written one after the other (`writev`): a document that is one buffer (a
 * value's original bytes) is handed on as it is, followed by a shared newline; each run of the other
 * documents is joined into one buffer. Nothing is copied that a writer could read where it lies.
 */
export function jsonLineChunks(docs: readonly JsonText[]): Buffer[] {
  const chunks: Buffer[] = [];
  let runStart = 0;
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i] as JsonText;
    if (!Buffer.isBuffer(doc)) continue;
    if (i > runStart) chunks.push(jsonLines(docs.slice(runStart, i)));
    chunks.push(doc, NEWLINE);
    runStart = i + 1;
  }
  if (runStart < docs.length) chunks.push(jsonLines(runStart === 0 ? docs : docs.slice(runStart)));
  return chunks;
}

function putSeparator(out: Buffer, at: number, separator: Buffer): number {
  if (separator.length === 1) out[at] = separator[0] as number;
  else separator.copy(out, at);
  return at + separator.length;
}

function pieceLength(piece: JsonPiece): number {
  return typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
}

function put(out: Buffer, at: number, piece: JsonPiece): number {
  if (typeof piece === 'string') return at + out.write(piece, at);
  piece.copy(out, at);
  return at + piece.length;
}
