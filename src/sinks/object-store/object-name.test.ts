import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FatalError } from '../../core/errors.ts';
import type { PipelineRecord } from '../../core/plugin.ts';
import { objectName, offsetsOf, parsePrefix, partitionFolder, safeSegment } from './object-name.ts';

const record = (value: unknown, timestamp = Date.parse('2026-03-07T09:05:00Z')): PipelineRecord => ({
  position: { topic: 'orders', partition: 2, offset: 41 },
  key: 'k/1',
  value,
  headers: {},
  timestamp,
  sizeBytes: 10,
});

describe('object names', () => {
  test('name = prefix + topic/partition=p/first-last (10 digits) + extension', () => {
    assert.equal(
      objectName('archive/', 'orders', 3, 0, 499, 'jsonl.gz'),
      'archive/orders/partition=3/0000000000-0000000499.jsonl.gz',
    );
    assert.equal(
      objectName('', 't', 0, 12345678901, 12345678999, 'parquet'),
      't/partition=0/12345678901-12345678999.parquet',
    );
  });

  test('offsets are read back from names in the same folder only', () => {
    const folder = partitionFolder('a/', 'orders', 1);
    assert.deepEqual(offsetsOf(`${folder}0000000010-0000000020.jsonl.zst`, folder), { first: 10, last: 20 });
    assert.deepEqual(offsetsOf(`${folder}0000000010-0000000020.parquet`, folder), { first: 10, last: 20 });
    assert.equal(offsetsOf(`${folder}.0000000010-0000000020.jsonl.1a2b.tmp`, folder), undefined);
    assert.equal(offsetsOf(`${folder}sub/0000000010-0000000020.jsonl`, folder), undefined);
    assert.equal(offsetsOf('b/orders/partition=1/0000000010-0000000020.jsonl', folder), undefined);
  });

  test('prefix templates take time parts (UTC) from the record timestamp', () => {
    const prefix = parsePrefix('archive/dt={yyyy}-{MM}-{dd}/hour={HH}/');
    assert.equal(prefix.fixed, 'archive/dt=');
    assert.equal(prefix.constant, false);
    assert.equal(prefix.render(record({})), 'archive/dt=2026-03-07/hour=09/');
  });

  test('prefix templates take field parts from the value, made safe as one path segment', () => {
    const prefix = parsePrefix('{topic}/{partition}/country={value.shipping.country}/k={key}/');
    assert.equal(prefix.render(record({ shipping: { country: 'DE' } })), 'orders/2/country=DE/k=k_1/');
    assert.equal(prefix.render(record({})), 'orders/2/country=_null/k=k_1/');
    assert.equal(safeSegment('../etc'), '.._etc');
    assert.equal(safeSegment('..'), '_null');
  });

  test('a constant prefix renders without looking at the record', () => {
    const prefix = parsePrefix('plain/');
    assert.equal(prefix.constant, true);
    assert.equal(prefix.render(record(null)), 'plain/');
  });

  test('an unknown placeholder is a FatalError naming it', () => {
    assert.throws(
      () => parsePrefix('x/{yy}/'),
      (err: unknown) => err instanceof FatalError && /\{yy\}/.test(err.message),
    );
  });
});
