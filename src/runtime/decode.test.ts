import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JsonBytesRecord,
  NO_HEADERS,
  originalJson,
  originalJsonLine,
  type SourceMessage,
} from '../core/record.ts';
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

  it('messageBytes counts value, key and headers, plus 128 for the objects', () => {
    const base = { topic: 't', partition: 0, offset: 0, timestamp: 0 };
    const value = Buffer.from('{"a":1}'); // 7 bytes
    const key = Buffer.from('k1'); // 2 bytes
    assert.equal(messageBytes({ ...base, key, value, headers: NO_HEADERS }), 128 + 7 + 2);
    // header names and values by length: "trace" 5 + "abc" 3, "x" 1 + "" 0
    assert.equal(messageBytes({ ...base, key: null, value, headers: { trace: 'abc', x: '' } }), 128 + 7 + 9);
    assert.equal(messageBytes({ ...base, key: null, value: null, headers: NO_HEADERS }), 128);
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

  describe('checked-bytes (nothing but sinks that write JSON text reads values)', () => {
    // Spelled the way no JSON.stringify would write it: spaces, an escape, a float with a zero fraction.
    const text = '{ "b" : 1.0,\t"a":["\\u00e9", 2e3] }';
    const spelled: SourceMessage = { ...message(0, 3, null), value: Buffer.from(text) };

    it('keeps the original bytes, byte for byte, and parses them only when read', () => {
      const r = createDecoder('json', 'checked-bytes')(spelled, 0, false);
      assert.ok(r instanceof JsonBytesRecord);
      assert.equal(originalJson(r), spelled.value, 'the very same bytes, not a copy');
      assert.equal(originalJson(r)?.toString('utf8'), text);
      assert.equal(r.key, 'k3', 'the key, decoded when read');
      assert.deepEqual(r.value, { b: 1, a: ['é', 2000] });
      assert.deepEqual(JSON.parse(JSON.stringify(r)).value, { b: 1, a: ['é', 2000] });
    });

    it('a value assigned later is the one sinks see: the original bytes are gone', () => {
      const r = createDecoder('json', 'checked-bytes')(spelled, 0, false);
      r.value = { replaced: true };
      assert.equal(originalJson(r), undefined);
      assert.deepEqual(r.value, { replaced: true });
    });

    it('still refuses invalid UTF-8 and invalid JSON at decode, as without it', () => {
      const decode = createDecoder('json', 'checked-bytes');
      const latin1 = { ...message(0, 1, null), value: Buffer.from([0x22, 0xe9, 0x22]) };
      assert.throws(() => decode(latin1, 0, false), { code: 'DP_DECODE_INVALID_UTF8' });
      assert.throws(() => decode(message(0, 2, '{not json'), 0, false), { code: 'DP_DECODE_INVALID_JSON' });
    });

    it('the check tells whether the bytes fit one line of JSON Lines: not looked for again', () => {
      /** A value whose `indexOf` counts its calls: a search for line feeds would show. */
      const watched = (text: string) => {
        const value = Buffer.from(text);
        const searched = { count: 0 };
        const indexOf = value.indexOf.bind(value);
        Object.defineProperty(value, 'indexOf', {
          value: (...args: Parameters<Buffer['indexOf']>) => {
            searched.count++;
            return indexOf(...args);
          },
        });
        return { message: { ...message(0, 5, null), value }, value, searched };
      };
      const compact = watched('{"a":"one\\ntwo"}');
      const pretty = watched('{\n  "a": 1\n}');
      const decode = createDecoder('json', 'checked-bytes');
      const one = decode(compact.message, 0, false);
      const many = decode(pretty.message, 0, false);
      assert.equal(originalJsonLine(one), compact.value, 'an escaped \\n is not a line feed');
      assert.equal(originalJsonLine(many), undefined, 'pretty-printed: to be re-serialised on one line');
      assert.equal(originalJson(many), pretty.value, 'still its original JSON');
      assert.deepEqual([compact.searched.count, pretty.searched.count], [0, 0]);
      // unchecked bytes (every sink ignores values): looked for once, when asked
      const unchecked = watched('{\n}');
      const r = createDecoder('json', 'bytes')(unchecked.message, 0, false);
      assert.equal(originalJsonLine(r), undefined);
      assert.equal(originalJsonLine(r), undefined);
      assert.equal(unchecked.searched.count, 1);
    });

    it('string and bytes decoding are unaffected; a tombstone stays null', () => {
      assert.equal(createDecoder('string', 'checked-bytes')(spelled, 0, false).value, text);
      const tombstone = createDecoder('json', 'checked-bytes')(message(0, 1, null), 0, false);
      assert.equal(tombstone.value, null);
      assert.equal(originalJson(tombstone), undefined);
    });
  });
});
