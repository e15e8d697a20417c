import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  indexesProperty,
  mergeCommittedOffsets,
  offsetsProperty,
  pendingRecords,
  readCommittedOffsets,
} from './committed-offsets.ts';

const at = (topic: string, partition: number, offset: number, index?: number) => ({
  position: index === undefined ? { topic, partition, offset } : { topic, partition, offset, index },
});
const name = (r: ReturnType<typeof at>) =>
  `${r.position.partition}:${r.position.offset}${r.position.index ? `.${r.position.index}` : ''}`;

test('a table without the property has nothing stored', () => {
  assert.deepEqual([...readCommittedOffsets(undefined, 'p')], []);
  assert.deepEqual([...readCommittedOffsets({ other: '1' }, 'p')], []);
});

test('each pipeline reads only its own property; a table of an earlier version (offsets only) reads as index 0', () => {
  const properties = {
    [offsetsProperty('a')]: '{"orders/0":41,"orders/1":7}',
    [offsetsProperty('b')]: '{"orders/0":900}',
    [indexesProperty('b')]: '{"orders/0":2}',
  };
  assert.deepEqual(
    [...readCommittedOffsets(properties, 'a')],
    [
      ['orders/0', { offset: 41 }],
      ['orders/1', { offset: 7 }],
    ],
  );
  assert.deepEqual([...readCommittedOffsets(properties, 'b')], [['orders/0', { offset: 900, index: 2 }]]);
  assert.equal(offsetsProperty('a'), 'datapipe.offsets.a');
  assert.equal(indexesProperty('a'), 'datapipe.offset-indexes.a');
});

test('an unreadable property is an error, not "nothing stored" (which would append everything again)', () => {
  assert.throws(() => readCommittedOffsets({ [offsetsProperty('a')]: 'not json' }, 'a'), /not JSON/);
  assert.throws(() => readCommittedOffsets({ [offsetsProperty('a')]: '[1]' }, 'a'), /not a JSON object/);
  assert.throws(
    () => readCommittedOffsets({ [offsetsProperty('a')]: '{}', [indexesProperty('a')]: 'x' }, 'a'),
    /offset-indexes\.a is not JSON/,
  );
});

test('records at or below the stored position of their partition are dropped; the highest of the rest is kept per partition', () => {
  const stored = new Map([
    ['orders/0', { offset: 10 }],
    ['orders/1', { offset: 3 }],
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
  assert.deepEqual(pending.map(name), ['0:11', '1:4', '2:0']);
  assert.deepEqual(
    [...highest],
    [
      ['orders/0', { offset: 11 }],
      ['orders/1', { offset: 4 }],
      ['orders/2', { offset: 0 }],
    ],
  );
});

test('a batch boundary in the middle of a fan-out: the next batch (or its replay) keeps the remaining copies', () => {
  // Offset 5 fanned out to 3 copies (indexes 0, 1, 2); the first batch ended after 5.1.
  const first = pendingRecords([at('t', 0, 4), at('t', 0, 5), at('t', 0, 5, 1)], new Map());
  assert.deepEqual(first.pending.map(name), ['0:4', '0:5', '0:5.1']);
  const properties = mergeCommittedOffsets(new Map(), first.highest, 'p');
  // worked by hand: offset 5 in the offsets property, its index 1 in the index property
  assert.deepEqual(properties, {
    'datapipe.offsets.p': '{"t/0":5}',
    'datapipe.offset-indexes.p': '{"t/0":1}',
  });
  const stored = readCommittedOffsets(properties, 'p');
  // The replay of the whole expansion appends only 5.2 and what follows; 5.0 and 5.1 are stored.
  const second = pendingRecords([at('t', 0, 5), at('t', 0, 5, 1), at('t', 0, 5, 2), at('t', 0, 6)], stored);
  assert.deepEqual(second.pending.map(name), ['0:5.2', '0:6']);
  // Past the expansion the index property forgets the partition: index 0 is written as absent.
  assert.deepEqual(mergeCommittedOffsets(stored, second.highest, 'p'), {
    'datapipe.offsets.p': '{"t/0":6}',
    'datapipe.offset-indexes.p': '{}',
  });
});

test('a replay of a stored range appends nothing', () => {
  const { pending, highest } = pendingRecords(
    [at('t', 0, 0), at('t', 0, 5), at('t', 0, 5, 1)],
    new Map([['t/0', { offset: 5, index: 1 }]]),
  );
  assert.equal(pending.length, 0);
  assert.equal(highest.size, 0);
});

test('merging never lowers a stored position and keeps other partitions', () => {
  const merged = mergeCommittedOffsets(
    new Map([
      ['t/1', { offset: 50 }],
      ['t/0', { offset: 20, index: 3 }],
      ['t/3', { offset: 8, index: 2 }],
    ]),
    new Map([
      ['t/0', { offset: 30 }],
      ['t/1', { offset: 40 }],
      ['t/2', { offset: 1 }],
      ['t/3', { offset: 8, index: 1 }],
    ]),
    'x',
  );
  // worked by hand: max per key by (offset, index), keys sorted
  assert.deepEqual(merged, {
    'datapipe.offsets.x': '{"t/0":30,"t/1":50,"t/2":1,"t/3":8}',
    'datapipe.offset-indexes.x': '{"t/3":2}',
  });
  assert.deepEqual(
    [...readCommittedOffsets(merged, 'x')],
    [
      ['t/0', { offset: 30 }],
      ['t/1', { offset: 50 }],
      ['t/2', { offset: 1 }],
      ['t/3', { offset: 8, index: 2 }],
    ],
  );
});
