import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_HEADERS } from '../../core/record.ts';
import { type RawMessage, toSourceMessages } from './messages.ts';

/** What the client hands over: views of one read chunk, offsets and timestamps as bigints. */
function raw(chunk: Buffer, at: number, fields: Partial<RawMessage>): RawMessage {
  return {
    topic: 'orders',
    partition: 3,
    offset: 41n,
    timestamp: 1764000000000n,
    key: chunk.subarray(at, at + 2),
    value: chunk.subarray(at + 2, at + 9),
    headers: new Map(),
    ...fields,
  } as unknown as RawMessage;
}

describe('toSourceMessages', () => {
  it('hands the bytes on as the client gave them, byte for byte (invalid UTF-8 included), with numeric positions', () => {
    const chunk = Buffer.from([0x6b, 0x31, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0x7d]); // k1{"a":\xff}
    const [m] = toSourceMessages([raw(chunk, 0, {})]);
    assert.equal(m?.value?.buffer, chunk.buffer, 'a view of the same chunk: no copy');
    assert.deepEqual([...(m?.value ?? [])], [0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0x7d]);
    assert.equal(m?.key?.toString('latin1'), 'k1');
    assert.deepEqual(
      { topic: m?.topic, partition: m?.partition, offset: m?.offset, timestamp: m?.timestamp },
      { topic: 'orders', partition: 3, offset: 41, timestamp: 1764000000000 },
    );
    assert.equal(m?.headers, NO_HEADERS);
  });

  it('turns a missing key or value into null and keeps headers', () => {
    const chunk = Buffer.from('k1{"a":1}');
    const headers = new Map([[Buffer.from('origin'), Buffer.from('test')]]);
    const [m] = toSourceMessages([
      raw(chunk, 0, { key: undefined, value: undefined, headers } as unknown as Partial<RawMessage>),
    ]);
    assert.equal(m?.key, null);
    assert.equal(m?.value, null);
    assert.deepEqual(m?.headers, { origin: 'test' });
  });
});
