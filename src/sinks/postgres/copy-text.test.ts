import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyField, copyJsonText, encodingOf } from './copy-text.ts';

describe('COPY text encoding', () => {
  it('maps SQL types to encodings', () => {
    assert.equal(encodingOf('jsonb'), 'json');
    assert.equal(encodingOf('json'), 'json');
    assert.equal(encodingOf('bytea'), 'bytea');
    assert.equal(encodingOf('timestamp with time zone'), 'time');
    assert.equal(encodingOf('date'), 'time');
    assert.equal(encodingOf('numeric(10,2)'), 'text');
  });

  it('writes NULL for null and missing values', () => {
    assert.equal(copyField(null, 'text'), '\\N');
    assert.equal(copyField(undefined, 'json'), '\\N');
  });

  it('escapes backslash, tab, newline and carriage return', () => {
    assert.equal(copyField('a\tb\nc\rd\\e', 'text'), 'a\\tb\\nc\\rd\\\\e');
    assert.equal(copyField({ s: 'x\ty' }, 'json'), '{"s":"x\\\\ty"}');
  });

  it('writes JSON for json columns and plain text otherwise', () => {
    assert.equal(copyField('hello', 'json'), '"hello"');
    assert.equal(copyField('hello', 'text'), 'hello');
    assert.equal(copyField(42, 'text'), '42');
    assert.equal(copyField(true, 'text'), 'true');
    assert.equal(copyField({ a: 1 }, 'text'), '{"a":1}');
  });

  it('writes epoch milliseconds as ISO time, Buffers as base64 JSON or bytea hex', () => {
    assert.equal(copyField(0, 'time'), '1970-01-01T00:00:00.000Z');
    assert.equal(copyField(Buffer.from([1, 255]), 'bytea'), '\\\\x01ff');
    assert.equal(copyField(Buffer.from('hi'), 'json'), '"aGk="');
  });

  it('writes a json field from the original JSON text as it was spelled, escaped; JSON null is SQL NULL like copyField', () => {
    // a tab inside a JSON string's raw text is not valid JSON, but a literal one between tokens is
    assert.equal(
      copyJsonText(Buffer.from('{ "s" : "x\\ty",\t"n": 1.0 }')),
      '{ "s" : "x\\\\ty",\\t"n": 1.0 }',
    );
    assert.equal(copyJsonText(Buffer.from(' null ')), copyField(null, 'json'));
    assert.equal(copyJsonText(Buffer.from('"null"')), '"null"');
  });
});
