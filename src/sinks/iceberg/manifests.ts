/**
 * Manifests and manifest lists of format version 2, as Avro container files with Iceberg's field ids.
 * Only what an append needs: a manifest of ADDED data files, and a manifest list that keeps the previous
 * snapshot's manifests and adds the new one. Spec: https://iceberg.apache.org/spec/#manifests
 */
import { avroContainer, readAvroContainer } from './avro-file.ts';
import type { PartitionField } from './partitioning.ts';
import type { IcebergSchema } from './schema.ts';

export interface DataFile {
  readonly path: string;
  readonly recordCount: number;
  readonly sizeInBytes: number;
  /** The partition tuple, in the order of the spec's fields. */
  readonly partition: readonly (number | string | boolean | null)[];
}

const optional = (type: unknown) => ['null', type];

function partitionRecord(fields: readonly PartitionField[]): object {
  return {
    type: 'record',
    name: 'r102',
    fields: fields.map((f) => ({
      name: f.name,
      type: optional(
        f.resultType === 'date' ? { type: 'int', logicalType: 'date' } : avroPrimitive(f.resultType),
      ),
      default: null,
      'field-id': f['field-id'],
    })),
  };
}

function avroPrimitive(type: string): string {
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'int':
      return 'int';
    case 'long':
      return 'long';
    case 'double':
      return 'double';
    default:
      return 'string';
  }
}

function manifestEntrySchema(fields: readonly PartitionField[]): object {
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: optional('long'), default: null, 'field-id': 1 },
      { name: 'sequence_number', type: optional('long'), default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: optional('long'), default: null, 'field-id': 4 },
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            { name: 'partition', type: partitionRecord(fields), 'field-id': 102 },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
          ],
        },
      },
    ],
  };
}

const MANIFEST_FILE_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
  ],
};

/** A manifest list entry, as read back from (or written to) a manifest list. */
export type ManifestFileEntry = Record<string, unknown>;

export function encodeManifest(args: {
  files: readonly DataFile[];
  snapshotId: bigint;
  schema: IcebergSchema;
  specId: number;
  partitionFields: readonly PartitionField[];
}): Buffer {
  const { files, snapshotId, schema, specId, partitionFields } = args;
  const records = files.map((f) => ({
    status: 1, // ADDED
    snapshot_id: snapshotId,
    sequence_number: null, // inherited from the manifest list entry (the new snapshot's sequence number)
    file_sequence_number: null,
    data_file: {
      content: 0, // DATA
      file_path: f.path,
      file_format: 'PARQUET',
      partition: Object.fromEntries(partitionFields.map((p, i) => [p.name, f.partition[i] ?? null])),
      record_count: f.recordCount,
      file_size_in_bytes: f.sizeInBytes,
    },
  }));
  return avroContainer(manifestEntrySchema(partitionFields), records, {
    schema: JSON.stringify(schema),
    'schema-id': String(schema['schema-id']),
    'partition-spec': JSON.stringify(partitionFields),
    'partition-spec-id': String(specId),
    'format-version': '2',
    content: 'data',
  });
}

export function encodeManifestList(args: {
  previous: readonly ManifestFileEntry[];
  added: ManifestFileEntry;
  snapshotId: bigint;
  parentSnapshotId: bigint | undefined;
  sequenceNumber: number;
}): Buffer {
  const { previous, added, snapshotId, parentSnapshotId, sequenceNumber } = args;
  return avroContainer(MANIFEST_FILE_SCHEMA, [...previous, added], {
    'snapshot-id': String(snapshotId),
    'parent-snapshot-id': parentSnapshotId === undefined ? 'null' : String(parentSnapshotId),
    'sequence-number': String(sequenceNumber),
    'format-version': '2',
  });
}

export function manifestListEntry(args: {
  path: string;
  length: number;
  specId: number;
  sequenceNumber: number;
  snapshotId: bigint;
  files: readonly DataFile[];
}): ManifestFileEntry {
  return {
    manifest_path: args.path,
    manifest_length: args.length,
    partition_spec_id: args.specId,
    content: 0,
    sequence_number: args.sequenceNumber,
    min_sequence_number: args.sequenceNumber,
    added_snapshot_id: args.snapshotId,
    added_files_count: args.files.length,
    existing_files_count: 0,
    deleted_files_count: 0,
    added_rows_count: args.files.reduce((n, f) => n + f.recordCount, 0),
    existing_rows_count: 0,
    deleted_rows_count: 0,
  };
}

/** Reads the entries of a manifest list written by anyone (to carry them into the next snapshot). */
export async function decodeManifestList(bytes: Buffer): Promise<ManifestFileEntry[]> {
  return readAvroContainer(bytes);
}
