import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDecoder, messageBytes } from './decode.ts';
import { message } from './test-fakes.ts';

describe('decoders', () => {
  const m = message(2, 7, { a: [1, 'é'] });

  it('json parses UTF-8 JSON and keeps the position, key, headers and timestamp', () => {
    const r = createDecoder('json')(m, messageBytes(m), false);
    assert.deepEqual(r.value, { a: [1, 'é'] });
    assert.deepEqual(r.position, { topic: 't', partition: 2, offset: 7 });
    assert.equal(r.key, 'k7');
    assert.equal(r.timestamp, m.timestamp);
    assert.equal(r.sizeBytes, messageBytes(m));
  });

  it('string gives the text and bytes the Buffer itself', () => {
    assert.equal(createDecoder('string')(m, 0, false).value, '{"a":[1,"é"]}');
    assert.equal(createDecoder('bytes')(m, 0, false).value, m.value);
  });

  it('keeps a null value (a tombstone) as null', () => {
    const tombstone = message(0, 1, null);
    for (const kind of ['json', 'string', 'bytes'] as const) {
      assert.equal(createDecoder(kind)(tombstone, 0, false).value, null);
    }
  });

  it('throws a DataError for invalid JSON or invalid UTF-8', () => {
    assert.throws(() => createDecoder('json')(message(0, 1, '{"a":'), 0, false), {
      name: 'DataError',
      code: 'DP_DECODE_INVALID_JSON',
    });
    const latin1 = { ...m, value: Buffer.from([0x7b, 0xe9, 0x7d]) };
    assert.throws(() => createDecoder('string')(latin1, 0, false), { code: 'DP_DECODE_INVALID_UTF8' });
  });

  it('copies the headers only when asked', () => {
    const withHeaders = { ...m, headers: { h: 'v' } };
    assert.equal(createDecoder('json')(withHeaders, 0, false).headers, withHeaders.headers);
    const copy = createDecoder('json')(withHeaders, 0, true).headers;
    assert.notEqual(copy, withHeaders.headers);
    assert.deepEqual(copy, { h: 'v' });
  });
});
