import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  mergeCommittedOffsets,
  offsetsProperty,
  pendingRecords,
  readCommittedOffsets,
} from './committed-offsets.ts';

const at = (topic: string, partition: number, offset: number) => ({ position: { topic, partition, offset } });

test('a table without the property has nothing stored', () => {
  assert.deepEqual([...readCommittedOffsets(undefined, 'p')], []);
  assert.deepEqual([...readCommittedOffsets({ other: '1' }, 'p')], []);
});

test('each pipeline reads only its own property', () => {
  const properties = {
    [offsetsProperty('a')]: '{"orders/0":41,"orders/1":7}',
    [offsetsProperty('b')]: '{"orders/0":900}',
  };
  assert.deepEqual(
    [...readCommittedOffsets(properties, 'a')],
    [
      ['orders/0', 41],
      ['orders/1', 7],
    ],
  );
  assert.equal(offsetsProperty('a'), 'datapipe.offsets.a');
});

test('an unreadable property is an error, not "nothing stored" (which would append everything again)', () => {
  assert.throws(() => readCommittedOffsets({ [offsetsProperty('a')]: 'not json' }, 'a'), /not JSON/);
  assert.throws(() => readCommittedOffsets({ [offsetsProperty('a')]: '[1]' }, 'a'), /not a JSON object/);
});

test('records at or below the stored offset of their partition are dropped; the highest of the rest is kept per partition', () => {
  const stored = new Map([
    ['orders/0', 10],
    ['orders/1', 3],
  ]);
  const batch = [
    at('orders', 0, 9),
    at('orders', 0, 10),
    at('orders', 0, 11),
    at('orders', 1, 3),
    at('orders', 1, 4),
    at('orders', 2, 0),
  ];
  const { pending, highest } = pendingRecords(batch, stored);
  assert.deepEqual(
    pending.map((r) => `${r.position.partition}:${r.position.offset}`),
    ['0:11', '1:4', '2:0'],
  );
  assert.deepEqual(
    [...highest],
    [
      ['orders/0', 11],
      ['orders/1', 4],
      ['orders/2', 0],
    ],
  );
});

test('a replay of a stored range appends nothing', () => {
  const { pending, highest } = pendingRecords([at('t', 0, 0), at('t', 0, 5)], new Map([['t/0', 5]]));
  assert.equal(pending.length, 0);
  assert.equal(highest.size, 0);
});

test('merging never lowers a stored offset and keeps other partitions', () => {
  const merged = mergeCommittedOffsets(
    new Map([
      ['t/1', 50],
      ['t/0', 20],
    ]),
    new Map([
      ['t/0', 30],
      ['t/1', 40],
      ['t/2', 1],
    ]),
  );
  // worked by hand: max per key, keys sorted
  assert.equal(merged, '{"t/0":30,"t/1":50,"t/2":1}');
  assert.deepEqual(
    [...readCommittedOffsets({ [offsetsProperty('x')]: merged }, 'x')],
    [
      ['t/0', 30],
      ['t/1', 50],
      ['t/2', 1],
    ],
  );
});
