import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../core/errors.ts';
import { JsonBytesRecord } from '../../core/record.ts';
import { encodeKey, encodeRecordValue, encodeValue } from './encode.ts';

describe('kafka sink value encoding', () => {
  it('writes JSON text for json, and nothing (a tombstone) for null', () => {
    assert.equal(encodeValue({ a: 1, b: 'é' }, 'json')?.toString(), '{"a":1,"b":"é"}');
    assert.equal(encodeValue('text', 'json')?.toString(), '"text"');
    assert.equal(encodeValue(null, 'json'), undefined);
  });

  it('keeps bytes as they are whatever the encoding (the original value of a dead letter)', () => {
    const raw = Buffer.from([0xff, 0x00, 0x7b]);
    for (const encoding of ['json', 'string', 'bytes'] as const)
      assert.deepEqual(encodeValue(raw, encoding), raw);
  });

  it('string writes text as is and other values as JSON', () => {
    assert.equal(encodeValue('plain', 'string')?.toString(), 'plain');
    assert.equal(encodeValue(42, 'string')?.toString(), '42');
  });

  it('bytes refuses values that are not bytes or text as a data error', () => {
    assert.throws(() => encodeValue({ a: 1 }, 'bytes'), DataError);
    assert.throws(() => encodeValue(() => 1, 'json'), DataError);
  });

  it('an unchanged JSON value goes out as its original bytes; a changed one, or string encoding, is serialised', () => {
    const position = { topic: 't', partition: 0, offset: 1 };
    const text = '{ "a" : 1.0 }';
    const record = new JsonBytesRecord(position, null, Buffer.from(text), {}, 0, 0);
    assert.equal(encodeRecordValue(record, 'json')?.toString(), text);
    assert.equal(encodeRecordValue(record, 'string')?.toString(), '{"a":1}');
    record.value = { b: 2 };
    assert.equal(encodeRecordValue(record, 'json')?.toString(), '{"b":2}');
  });

  it('an unread key goes out as its original bytes, even when they are not UTF-8; a read or set one as UTF-8', () => {
    const position = { topic: 't', partition: 0, offset: 1 };
    const notUtf8 = Buffer.from([0x6b, 0xff, 0xfe, 0x31]); // "k", two bytes no UTF-8 text has, "1"
    const record = new JsonBytesRecord(position, notUtf8, Buffer.from('{}'), {}, 0, 0);
    assert.deepEqual(encodeKey(record), notUtf8);
    // once read, the key is text: the invalid bytes became U+FFFD, as any UTF-8 decoder makes them
    assert.equal(record.key, 'k\ufffd\ufffd1');
    assert.deepEqual(encodeKey(record), Buffer.from('k\ufffd\ufffd1'));
    record.key = 'é';
    assert.deepEqual(encodeKey(record), Buffer.from([0xc3, 0xa9]));
    record.key = null;
    assert.equal(encodeKey(record), undefined);
  });
});
