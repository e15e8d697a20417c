import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRecordsBatch, Reader, readRecordsBatches } from '@platformatic/kafka';
import { readResponsesContiguously } from './contiguous-responses.ts';

interface ChunkedBuffer {
  readonly buffers: Buffer[];
  readonly length: number;
  subarray(start?: number, end?: number): ChunkedBuffer;
}
/** The client's own DynamicBuffer class, as its Reader builds it. */
const Chunked = Reader.from(Buffer.alloc(0)).buffer.constructor as new (
  buffers: Buffer | Buffer[],
) => ChunkedBuffer;

/** Cuts bytes into chunks of `size`, as a socket delivers them. */
function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

// values of many lengths (varints of one and two bytes), keys on some, a header on others
const messages = Array.from({ length: 60 }, (_, i) => ({
  topic: 't',
  value: Buffer.from(`{"n":${i},"pad":"${'x'.repeat((i * 53) % 400)}"}`),
  ...(i % 3 === 0 ? { key: Buffer.from(`k${i}`) } : {}),
  ...(i % 4 === 0 ? { headers: new Map([[Buffer.from('h'), Buffer.from(`v${i}`)]]) } : {}),
}));

describe('readResponsesContiguously', () => {
  readResponsesContiguously();

  it('decodes a record batch split across many chunks to the same records, from one buffer', () => {
    const batch = createRecordsBatch(messages).buffer;
    // 97-byte chunks: boundaries fall inside lengths, varints, keys and values
    const received = new Chunked(chunksOf(batch, 97));
    assert.ok(received.buffers.length > 10);
    const response = received.subarray(0, received.length);
    assert.equal(response.buffers.length, 1, 'the response is parsed from one buffer');
    assert.ok(response.buffers[0]!.equals(batch));

    const records = readRecordsBatches(Reader.from(response as never)).flatMap((b) => b.records);
    assert.equal(records.length, messages.length);
    records.forEach((r, i) => {
      const m = messages[i]!;
      assert.ok(r.value?.equals(m.value), `value ${i}`);
      assert.equal(r.offsetDelta, i);
      if (m.key) assert.ok(r.key?.equals(m.key), `key ${i}`);
      else assert.ok(r.key === null || r.key.length === 0, `key ${i} absent`);
      assert.equal(r.headers.length, m.headers ? 1 : 0);
      if (m.headers) assert.equal(r.headers[0]?.[1]?.toString(), `v${i}`);
    });
  });

  it('leaves a range inside one chunk a view of it (no copy)', () => {
    const a = Buffer.from('0123456789');
    const b = Buffer.from('abcdefghij');
    const view = new Chunked([a, b]).subarray(2, 6);
    assert.equal(view.buffers.length, 1);
    assert.equal(view.buffers[0]!.buffer, a.buffer);
    assert.equal(view.buffers[0]!.toString(), '2345');
  });

  it('copies exactly the range asked for when it spans chunks', () => {
    const view = new Chunked([Buffer.from('01234'), Buffer.from('56789'), Buffer.from('abcde')]).subarray(
      3,
      12,
    );
    assert.equal(view.buffers.length, 1);
    assert.equal(view.buffers[0]!.toString(), '3456789ab');
    assert.equal(view.length, 9);
  });

  it('installs once', () => {
    const proto = Object.getPrototypeOf(new Chunked([])) as { subarray: unknown };
    const installed = proto.subarray;
    readResponsesContiguously();
    assert.equal(proto.subarray, installed);
  });
});
