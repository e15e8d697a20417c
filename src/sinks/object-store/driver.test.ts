import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyBytes, bodyLength } from './driver.ts';

describe('object bodies', () => {
  it('joins chunks into one Buffer, in order', () => {
    const chunks = [Buffer.from('{"a":1}'), Buffer.from('\n'), new Uint8Array([0x32, 0x0a])];
    const joined = bodyBytes(chunks);
    assert.ok(Buffer.isBuffer(joined));
    assert.equal(joined.toString('utf8'), '{"a":1}\n2\n');
    assert.equal(bodyLength(chunks), 10);
  });

  it('joins one-byte chunks, empty chunks and Uint8Arrays byte for byte like Buffer.concat', () => {
    const chunks = [
      Buffer.from('ab'),
      Buffer.from('\n'),
      new Uint8Array(0),
      new Uint8Array([0xff, 0x00, 0x7f]).subarray(1),
      Buffer.from([0xc3]),
      Buffer.from('caf\u00e9'),
      new Uint8Array([0x0a]),
    ];
    const joined = bodyBytes(chunks);
    assert.deepEqual([...joined], [0x61, 0x62, 0x0a, 0x00, 0x7f, 0xc3, 0x63, 0x61, 0x66, 0xc3, 0xa9, 0x0a]);
    assert.equal(joined.length, bodyLength(chunks));
  });

  it('gives a single buffer as a Buffer over the same memory, not a copy', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    for (const body of [bytes, [bytes]]) {
      const out = bodyBytes(body);
      assert.ok(Buffer.isBuffer(out));
      assert.deepEqual([...out], [2, 3]);
      bytes[0] = 9; // seen through the result: the same memory
      assert.equal(out[0], 9);
      bytes[0] = 2;
    }
    assert.equal(bodyLength(bytes), 2);
  });
});
