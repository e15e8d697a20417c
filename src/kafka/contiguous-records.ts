/**
 * Makes the Kafka client parse each partition's records of a fetch from one buffer instead of the socket
 * chunks they arrived in (decision 0101).
 *
 * @platformatic/kafka hands a response to its parser as a `DynamicBuffer` over the chunks the socket
 * delivered (64 KiB each), and `DynamicBuffer` finds the chunk of each read by walking its chunk list from
 * the first one. A partition's records in an 8 MiB fetch span dozens of chunks, so every varint, length and
 * int of every record walked them: on a 1 KiB-record topic that was about a tenth of the client's CPU.
 * The fetch parser reads each partition's records through `Reader.from(<that range of the response>)`;
 * the version below copies such a range into one buffer first (one memcpy of the records' bytes), and
 * every read after it is a direct index. The few reads of the response's own headers still walk chunks.
 *
 * The copy is per partition, not per response: a record's value views its partition's run of the fetch,
 * so a partition whose records wait (a sink retrying) keeps only its own bytes alive, as the byte budget
 * assumes, not the other partitions' records fetched with them. Values are never copied one by one (not
 * even those that crossed a chunk boundary, which the client used to copy). `Reader.from` is otherwise
 * used on small buffers (group protocol metadata, tagged fields, decompressed batches: one chunk), and a
 * Reader only reads, so a copy reads exactly like the chunks it replaces.
 */
import { Reader } from '@platformatic/kafka';

/** The part of the client's DynamicBuffer used here (its package is the client's dependency, not ours). */
interface ChunkedBuffer {
  readonly buffers: readonly Buffer[];
  readonly length: number;
}
interface ChunkedBufferClass {
  isDynamicBuffer(target: unknown): boolean;
}
type ReaderFrom = (buffer: unknown) => Reader;

const INSTALLED = Symbol.for('datapipe.kafka.contiguousRecords');

/**
 * Installs the flattening `Reader.from` on the client's Reader. Idempotent; a client whose Reader or
 * buffer no longer has this shape is left as it is.
 */
export function readRecordsContiguously(): void {
  const reader = Reader as unknown as { from: ReaderFrom } & Record<symbol, unknown>;
  if (reader[INSTALLED] === true || typeof reader.from !== 'function') return;
  const Chunked = reader.from(Buffer.alloc(0)).buffer.constructor as unknown as ChunkedBufferClass;
  if (typeof Chunked.isDynamicBuffer !== 'function') return;
  const from = reader.from;
  reader.from = function contiguousFrom(this: unknown, buffer: unknown): Reader {
    if (Chunked.isDynamicBuffer(buffer)) {
      const { buffers, length } = buffer as ChunkedBuffer;
      if (buffers.length > 1) return from.call(this, Buffer.concat(buffers, length));
    }
    return from.call(this, buffer);
  };
  reader[INSTALLED] = true;
}
