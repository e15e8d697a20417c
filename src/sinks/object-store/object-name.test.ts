import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FatalError } from '../../core/errors.ts';
import type { PipelineRecord } from '../../core/plugin.ts';
import { objectName, parsePrefix, partitionFolder, rangeOf, safeSegment } from './object-name.ts';

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
      objectName('archive/', 'orders', 3, { offset: 0 }, { offset: 499 }, 'jsonl.gz'),
      'archive/orders/partition=3/0000000000-0000000499.jsonl.gz',
    );
    assert.equal(
      objectName('', 't', 0, { offset: 12345678901 }, { offset: 12345678999, index: 0 }, 'parquet'),
      't/partition=0/12345678901-12345678999.parquet',
    );
  });

  test('the second and later copies of a fan-out add _index to their offset (0016); index 0 adds nothing', () => {
    assert.equal(
      objectName('', 'orders', 0, { offset: 5, index: 1 }, { offset: 7, index: 2 }, 'jsonl'),
      'orders/partition=0/0000000005_1-0000000007_2.jsonl',
    );
    assert.equal(
      objectName('', 'orders', 0, { offset: 5, index: 0 }, { offset: 7 }, 'jsonl'),
      'orders/partition=0/0000000005-0000000007.jsonl',
    );
  });

  test('positions are read back from names in the same folder only', () => {
    const folder = partitionFolder('a/', 'orders', 1);
    const plain = { first: { offset: 10 }, last: { offset: 20 } };
    assert.deepEqual(rangeOf(`${folder}0000000010-0000000020.jsonl.zst`, folder), plain);
    assert.deepEqual(rangeOf(`${folder}0000000010-0000000020.parquet`, folder), plain);
    assert.deepEqual(rangeOf(`${folder}0000000010_3-0000000020_12.jsonl`, folder), {
      first: { offset: 10, index: 3 },
      last: { offset: 20, index: 12 },
    });
    assert.equal(rangeOf(`${folder}.0000000010-0000000020.jsonl.1a2b.tmp`, folder), undefined);
    assert.equal(rangeOf(`${folder}sub/0000000010-0000000020.jsonl`, folder), undefined);
    assert.equal(rangeOf('b/orders/partition=1/0000000010-0000000020.jsonl', folder), undefined);
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
