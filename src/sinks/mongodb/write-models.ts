/**
 * Turns a batch of records into bulk-write operations. Each record becomes one operation on the
 * document whose `_id` derives from the configured key, so that writing the same records again
 * rewrites the same documents. A key that occurs twice in a batch goes to a later "round" (a later
 * bulk write), because an unordered bulk write does not promise to apply two operations on one
 * document in batch order.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { DataError } from '../../core/errors.ts';
import type { PipelineRecord } from '../../core/plugin.ts';
import type { RecordPath } from '../shared/record-path.ts';
import type { MongodbOptions } from './options.ts';

export interface WriteRound {
  readonly operations: AnyBulkWriteOperation<Document>[];
  /** For each operation, the index of its record in the batch. */
  readonly recordIndexes: number[];
  /** For each operation, the `_id` of its document. */
  readonly ids: unknown[];
}

export interface PlannedBatch {
  readonly rounds: WriteRound[];
  /** Records that cannot become a document (no key, not an object). */
  readonly failed: Array<{ index: number; error: DataError }>;
}

type Planner = Pick<MongodbOptions, 'writeModel' | 'deleteOnTombstone'> & { readonly key: RecordPath };

export function planBatch(batch: readonly PipelineRecord[], planner: Planner): PlannedBatch {
  const rounds: WriteRound[] = [];
  const failed: PlannedBatch['failed'] = [];
  const seen = new Map<string, number>();
  batch.forEach((record, index) => {
    let operation: AnyBulkWriteOperation<Document> | undefined;
    let id: unknown;
    try {
      id = documentId(record, planner.key);
      operation = operationFor(record, id, planner);
    } catch (err) {
      if (err instanceof DataError) {
        failed.push({ index, error: err });
        return;
      }
      throw err;
    }
    if (operation === undefined) return;
    const idKey = typeof id === 'string' ? id : JSON.stringify([typeof id, id]);
    const round = seen.get(idKey) ?? 0;
    seen.set(idKey, round + 1);
    let target = rounds[round];
    if (target === undefined) {
      target = { operations: [], recordIndexes: [], ids: [] };
      rounds.push(target);
    }
    target.operations.push(operation);
    target.recordIndexes.push(index);
    target.ids.push(id);
  });
  return { rounds, failed };
}

function documentId(record: PipelineRecord, key: RecordPath): unknown {
  const id = key.get(record);
  if (id === undefined || id === null) {
    throw new DataError('DP_MONGODB_NO_KEY', `the record has no ${key.source} to use as the document _id`);
  }
  return id;
}

function operationFor(
  record: PipelineRecord,
  id: unknown,
  planner: Planner,
): AnyBulkWriteOperation<Document> | undefined {
  // The driver types `_id` as an ObjectId; ours is whatever the key says (a string, a number...).
  const _id = id as Document['_id'];
  const value = record.value;
  if (value === null || value === undefined) {
    return planner.deleteOnTombstone ? { deleteOne: { filter: { _id } } } : undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new DataError(
      'DP_MONGODB_NOT_A_DOCUMENT',
      `the record value is ${Array.isArray(value) ? 'an array' : typeof value}, not an object: it cannot be a document`,
    );
  }
  const fields = value as Document;
  switch (planner.writeModel) {
    case 'insert':
      return { insertOne: { document: { ...fields, _id } } };
    case 'replace':
      return { replaceOne: { filter: { _id }, replacement: { ...fields, _id }, upsert: true } };
    case 'update': {
      const { _id: _ignored, ...set } = fields;
      return { updateOne: { filter: { _id }, update: { $set: set }, upsert: true } };
    }
  }
}
