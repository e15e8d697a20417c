import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../core/errors.ts';
import type { PipelineRecord } from '../../core/plugin.ts';
import { compileRecordPath } from '../shared/record-path.ts';
import { planBatch } from './write-models.ts';

const rec = (offset: number, key: string | null, value: unknown): PipelineRecord => ({
  position: { topic: 't', partition: 0, offset },
  key,
  value,
  headers: {},
  timestamp: 0,
  sizeBytes: 1,
});

describe('mongodb write models', () => {
  it('derives _id from the position and upserts with replaceOne by default', () => {
    const plan = planBatch([rec(7, null, { a: 1 })], {
      writeModel: 'replace',
      deleteOnTombstone: false,
      key: compileRecordPath('$position'),
    });
    assert.deepEqual(plan.rounds[0]?.operations, [
      { replaceOne: { filter: { _id: 't:0:7' }, replacement: { a: 1, _id: 't:0:7' }, upsert: true } },
    ]);
  });

  it('puts a key seen twice in a later round, so the last record is applied last', () => {
    const plan = planBatch([rec(0, 'a', { v: 1 }), rec(1, 'b', { v: 1 }), rec(2, 'a', { v: 2 })], {
      writeModel: 'update',
      deleteOnTombstone: true,
      key: compileRecordPath('$key'),
    });
    assert.equal(plan.rounds.length, 2);
    assert.deepEqual(plan.rounds[0]?.recordIndexes, [0, 1]);
    assert.deepEqual(plan.rounds[1]?.recordIndexes, [2]);
    assert.deepEqual(plan.rounds[1]?.operations, [
      { updateOne: { filter: { _id: 'a' }, update: { $set: { v: 2 } }, upsert: true } },
    ]);
  });

  it('deletes on tombstones when asked, else skips them; refuses values that are not documents', () => {
    const key = compileRecordPath('$key');
    const batch = [rec(0, 'a', null), rec(1, 'b', 'text'), rec(2, null, { x: 1 }), rec(3, 'c', [1])];
    const deleting = planBatch(batch, { writeModel: 'insert', deleteOnTombstone: true, key });
    assert.deepEqual(deleting.rounds[0]?.operations, [{ deleteOne: { filter: { _id: 'a' } } }]);
    assert.deepEqual(
      deleting.failed.map((f) => [f.index, f.error.code]),
      [
        [1, 'DP_MONGODB_NOT_A_DOCUMENT'],
        [2, 'DP_MONGODB_NO_KEY'],
        [3, 'DP_MONGODB_NOT_A_DOCUMENT'],
      ],
    );
    assert.ok(deleting.failed.every((f) => f.error instanceof DataError));
    const skipping = planBatch([rec(0, 'a', null)], { writeModel: 'insert', deleteOnTombstone: false, key });
    assert.deepEqual(skipping.rounds, []);
  });
});
