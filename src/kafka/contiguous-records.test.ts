import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRecordsBatch, Reader, readRecordsBatches } from '@platformatic/kafka';
import { readRecordsContiguously } from './contiguous-records.ts';

interface ChunkedBuffer {
  readonly buffers: Buffer[];
  readonly length: number;
  subarray(start?: number, end?: number): ChunkedBuffer;
}
/** The client's own DynamicBuffer class, as its Reader builds it. */
const Chunked = Reader.from(Buffer.alloc(0)).buffer.constructor as new (
  buffers: Buffer | Buffer[],
) => ChunkedBuffer;
const readerOf = (buffer: ChunkedBuffer) =>
  Reader.from(buffer as never) as unknown as { buffer: ChunkedBuffer };

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

describe('readRecordsContiguously', () => {
  readRecordsContiguously();

  it('parses a partition’s records split across many chunks from one buffer, to the same records', () => {
    const batch = createRecordsBatch(messages).buffer;
    // a response: 5 bytes of something else, the records, 3 more; in 97-byte chunks, so boundaries fall
    // inside lengths, varints, keys and values
    const response = new Chunked(
      chunksOf(Buffer.concat([Buffer.from('hdr..'), batch, Buffer.from('end')]), 97),
    );
    assert.ok(response.buffers.length > 10);
    // what the fetch parser does: Reader.from(the range of the partition's records)
    const reader = readerOf(response.subarray(5, 5 + batch.length));
    assert.equal(reader.buffer.buffers.length, 1, 'the records are read from one buffer');
    assert.ok(reader.buffer.buffers[0]!.equals(batch), 'holding exactly their bytes');

    const records = readRecordsBatches(reader as never).flatMap((b) => b.records);
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

  it('leaves records inside one chunk where they are (no copy)', () => {
    const a = Buffer.from('0123456789');
    const reader = readerOf(new Chunked([a, Buffer.from('abcdefghij')]).subarray(2, 6));
    assert.equal(reader.buffer.buffers.length, 1);
    assert.equal(reader.buffer.buffers[0]!.buffer, a.buffer);
    assert.equal(reader.buffer.buffers[0]!.toString(), '2345');
  });

  it('still reads plain buffers', () => {
    const reader = Reader.from(Buffer.from([0, 0, 0, 7]));
    assert.equal(reader.readInt32(), 7);
  });

  it('installs once', () => {
    const installed = Reader.from;
    readRecordsContiguously();
    assert.equal(Reader.from, installed);
  });
});
