import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonBytesRecord, type PipelineRecord } from '../../core/record.ts';
import { encodeBatch } from './payload.ts';

const position = { topic: 't', partition: 0, offset: 7 };
const kept = (text: string) => new JsonBytesRecord(position, null, Buffer.from(text), {}, 0, 0);
const plain = (value: unknown): PipelineRecord => ({
  position,
  key: null,
  value,
  headers: {},
  timestamp: 0,
  sizeBytes: 0,
});

describe('HTTP payload', () => {
  it('NDJSON of values: original bytes as they are, other values serialised', () => {
    const p = encodeBatch([kept('{ "a" : 1.0 }'), plain({ b: 2 }), plain(Buffer.from('hi'))], {
      format: 'ndjson',
      fields: 'value',
    });
    assert.equal(p.contentType, 'application/x-ndjson');
    assert.equal(p.body.toString('utf8'), '{ "a" : 1.0 }\n{"b":2}\n"aGk="\n');
  });

  it('a JSON array of values', () => {
    const p = encodeBatch([kept('[1, 2]'), plain(null)], { format: 'json', fields: 'value' });
    assert.equal(p.body.toString('utf8'), '[[1, 2],null]');
    assert.deepEqual(JSON.parse(p.body.toString('utf8')), [[1, 2], null]);
  });
});
