/**
 * An object format turns a group of records into the bytes of one object. `prepare` runs per record and
 * throws a DataError for a record the format cannot hold (that record alone is dead-lettered); `encode`
 * turns the prepared records of one object into its body.
 */
import { DataError } from '../../../core/errors.ts';
import type { PipelineRecord } from '../../../core/plugin.ts';
import type { ObjectBody } from '../driver.ts';

export interface ObjectFormat<Prepared = unknown> {
  /** Without the dot: `jsonl`, `jsonl.gz`, `parquet`. */
  readonly extension: string;
  prepare(record: PipelineRecord): Prepared;
  encode(prepared: Prepared[]): Promise<ObjectBody>;
}

/** Values as JSON sees them: bytes become base64 strings. */
export function jsonValue(value: unknown): unknown {
  return Buffer.isBuffer(value) ? value.toString('base64') : value;
}

/** The record with its provenance, for `fields: record` (`withValue` false: without reading the value). */
export function envelope(record: PipelineRecord, withValue = true): Record<string, unknown> {
  return {
    topic: record.position.topic,
    partition: record.position.partition,
    offset: record.position.offset,
    timestamp: record.timestamp,
    key: record.key,
    headers: record.headers,
    value: withValue ? jsonValue(record.value) : undefined,
  };
}

export function unstorable(what: string, cause?: unknown): DataError {
  return new DataError('DP_OBJECT_STORE_RECORD', what, cause === undefined ? {} : { cause });
}
