/**
 * Makes the Kafka client parse each response from one buffer instead of the socket chunks it arrived in
 * (decision 0101).
 *
 * @platformatic/kafka hands every response to its parser as a `DynamicBuffer` over the chunks the socket
 * delivered (64 KiB each), and `DynamicBuffer` finds the chunk of each read by walking its chunk list from
 * the first one. An 8 MiB fetch response is ~128 chunks, so every varint of every record walks ~64 of
 * them: on a 1 KiB-record topic that was a tenth of the client's CPU. The connection cuts each response
 * out of its receive buffer with `subarray`; when that spans several chunks, the version below copies
 * them into one buffer (one memcpy per response, ~1 ms for 8 MiB), and every read after it is a direct
 * index. Records then view that buffer as they viewed the chunks (values are never copied, not even those
 * that crossed a chunk boundary), so a value keeps its response's buffer alive rather than its chunk.
 *
 * Only the reading side uses `subarray` on several chunks (requests are built with `append`), and nothing
 * in the client writes through a subarray, so a copy reads exactly like the view it replaces.
 */
import { Reader } from '@platformatic/kafka';

/** The part of the client's DynamicBuffer used here (its package is the client's dependency, not ours). */
interface ChunkedBuffer {
  readonly buffers: readonly Buffer[];
  readonly length: number;
  subarray(start?: number, end?: number): ChunkedBuffer;
}
type ChunkedBufferClass = new (buffer: Buffer) => ChunkedBuffer;

const INSTALLED = Symbol.for('datapipe.kafka.contiguousResponses');

/**
 * Installs the contiguous `subarray` on the client's DynamicBuffer (the class its own `Reader` uses, so
 * it is the copy the client loaded, whatever the install layout). Idempotent; a client whose buffer no
 * longer has this shape is left as it is.
 */
export function readResponsesContiguously(): void {
  const proto = Object.getPrototypeOf(Reader.from(Buffer.alloc(0)).buffer) as ChunkedBuffer &
    Record<symbol, unknown>;
  if (proto[INSTALLED] === true || typeof proto.subarray !== 'function') return;
  const chunked = proto.subarray;
  const Chunked = proto.constructor as ChunkedBufferClass;
  proto.subarray = function contiguousSubarray(this: ChunkedBuffer, start?: number, end?: number) {
    const view = chunked.call(this, start, end);
    const chunks = view.buffers;
    if (!Array.isArray(chunks) || chunks.length < 2) return view;
    return new Chunked(Buffer.concat(chunks, view.length));
  };
  proto[INSTALLED] = true;
}
