import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { PipelineRecord } from '../../core/plugin.ts';
import { JsonBytesRecord } from '../../core/record.ts';
import { encodeBatch, idempotencyKey } from './payload.ts';

const record = (offset: number, index?: number): PipelineRecord => ({
  position:
    index === undefined
      ? { topic: 'orders', partition: 0, offset }
      : { topic: 'orders', partition: 0, offset, index },
  key: null,
  value: { offset },
  headers: {},
  timestamp: 0,
  sizeBytes: 10,
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

test('the idempotency key of a batch without fan-out is the one earlier versions sent', () => {
  // The text hashed since the first version: first and last topic, partition, offset, and the count.
  assert.equal(idempotencyKey([record(5), record(6), record(7)]), sha('["orders",0,5,"orders",0,7,3]'));
  assert.equal(idempotencyKey([record(5, 0), record(7, 0)]), sha('["orders",0,5,"orders",0,7,2]'));
});

test('batches that end inside a fan-out get keys of their own (0016)', () => {
  // Offsets 5 and 6 fanned out to 2 records each; the same 2 records cut at two places.
  const a = idempotencyKey([record(5), record(5, 1)]);
  const b = idempotencyKey([record(5, 1), record(6)]);
  const c = idempotencyKey([record(5), record(6)]);
  assert.equal(a, sha('["orders",0,5,"orders",0,5,1,2]'));
  assert.equal(b, sha('["orders",0,5,1,"orders",0,6,2]'));
  assert.equal(new Set([a, b, c]).size, 3);
});

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

test('NDJSON of values: original bytes as they are, other values serialised (0057)', () => {
  const p = encodeBatch([kept('{ "a" : 1.0 }'), plain({ b: 2 }), plain(Buffer.from('hi'))], {
    format: 'ndjson',
    fields: 'value',
  });
  assert.equal(p.contentType, 'application/x-ndjson');
  assert.equal(p.body.toString('utf8'), '{ "a" : 1.0 }\n{"b":2}\n"aGk="\n');
});

test('a JSON array of values', () => {
  const p = encodeBatch([kept('[1, 2]'), plain(null)], { format: 'json', fields: 'value' });
  assert.equal(p.body.toString('utf8'), '[[1, 2],null]');
  assert.deepEqual(JSON.parse(p.body.toString('utf8')), [[1, 2], null]);
});
