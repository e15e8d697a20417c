/**
 * The iceberg sink: each batch becomes Parquet data files (one per partition value), a manifest and a
 * manifest list in the table's location, and one snapshot committed through the REST catalog. The same
 * commit stores the last appended position (offset, fan-out index) of each source partition as table properties, so replays,
 * lost commit answers and concurrent writers never append a range twice (committed-offsets.ts).
 * A 409 (the table moved on since it was loaded) reloads the table and tries again; files of a lost
 * attempt stay unreferenced (orphans an expire/remove-orphans job cleans), never visible rows.
 * See docs/decisions/0042-iceberg-writer.md and 0043-iceberg-exactly-once.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataError, FatalError, RetryableError } from '../../core/errors.ts';
import type { PipelineRecord, PluginContext, Sink, SinkWriteResult } from '../../core/plugin.ts';
import type { DriverRegistry } from '../object-store/drivers/index.ts';
import {
  CommitConflict,
  RestCatalog,
  type TableMetadata,
  type TableRequirement,
  type TableUpdate,
} from './catalog.ts';
import { catalogAuthorizer } from './catalog-auth.ts';
import {
  mergeCommittedOffsets,
  type PartitionPositions,
  pendingRecords,
  readCommittedOffsets,
} from './committed-offsets.ts';
import { encodeDataFile } from './data-file.ts';
import {
  type DataFile,
  decodeManifestList,
  encodeManifest,
  encodeManifestList,
  type ManifestFileEntry,
  manifestListEntry,
} from './manifests.ts';
import { catalogAuthMode, type IcebergOptions } from './options.ts';
import {
  applyTransform,
  type PartitionField,
  type PartitionSpec,
  partitionFields,
  partitionPath,
} from './partitioning.ts';
import { conflictsWithin, evolve, type IcebergSchema, type Row, schemaFromColumns } from './schema.ts';
import { TableStore } from './table-store.ts';

const RECORD_COLUMNS = [
  ['_topic', 'string'],
  ['_partition', 'int'],
  ['_offset', 'long'],
  ['_timestamp', 'timestamptz'],
  ['_key', 'string'],
] as const;

interface Prepared {
  readonly index: number;
  readonly position: PipelineRecord['position'];
  readonly row: Row;
}

export class IcebergSink implements Sink {
  readonly #opts: IcebergOptions;
  readonly #logger: Logger;
  readonly #pipeline: string;
  readonly #namespace: string[];
  readonly #catalog: RestCatalog;
  readonly #store: TableStore;
  /** The manifest list entries of the snapshot we committed last, to skip re-reading it. */
  #lastManifests: { snapshotId: bigint; entries: ManifestFileEntry[] } | undefined;

  /**
   * `drivers`: the object-store drivers that reach the table's files; `inject` replaces the catalog client
   * or the file store the options name (tests inject faults).
   */
  constructor(
    opts: IcebergOptions,
    ctx: PluginContext,
    drivers: DriverRegistry,
    inject: { catalog?: RestCatalog; store?: TableStore } = {},
  ) {
    this.#opts = opts;
    this.#logger = ctx.logger;
    this.#pipeline = ctx.pipelineName;
    this.#namespace = opts.namespace.split('.');
    this.#catalog =
      inject.catalog ??
      new RestCatalog({
        uri: opts.catalogUri,
        warehouse: opts.warehouse,
        headers: opts.headers,
        authorize: catalogAuthorizer({ ...opts, auth: catalogAuthMode(opts) }),
      });
    this.#store = inject.store ?? new TableStore(opts, ctx.baseDir, drivers);
  }

  async connect(): Promise<void> {
    await this.#catalog.connect();
  }

  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    const prepared = batch.map(
      (record, index): Prepared => ({ index, position: record.position, row: this.#row(record) }),
    );
    for (let attempt = 1; ; attempt++) {
      const table = await this.#loadTable(prepared);
      try {
        return await this.#append(table, prepared);
      } catch (err) {
        if (!(err instanceof CommitConflict)) throw err;
        if (attempt >= this.#opts.maxCommitAttempts) {
          throw new RetryableError(
            'DP_ICEBERG_CONFLICT',
            `iceberg: ${attempt} commits in a row lost to other writers`,
            {
              cause: err,
            },
          );
        }
        this.#logger.debug({ attempt, table: this.#name() }, 'iceberg commit conflict; reloading the table');
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt) * Math.random()),
        );
      }
    }
  }

  async close(): Promise<void> {
    await this.#store.close();
  }

  #name(): string {
    return `${this.#opts.namespace}.${this.#opts.table}`;
  }

  #row(record: PipelineRecord): Row {
    const value = record.value;
    const row: Row =
      value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
        ? { ...(value as Row) }
        : { value: Buffer.isBuffer(value) ? value.toString('base64') : value };
    if (this.#opts.fields === 'record') {
      row['_topic'] = record.position.topic;
      row['_partition'] = record.position.partition;
      row['_offset'] = record.position.offset;
      row['_timestamp'] = record.timestamp;
      row['_key'] = record.key;
    }
    return row;
  }

  async #loadTable(prepared: readonly Prepared[]): Promise<TableMetadata> {
    const existing = await this.#catalog.loadTable(this.#namespace, this.#opts.table);
    if (existing) return this.#checkFormat(existing);
    if (!this.#opts.create) {
      throw new FatalError(
        'DP_ICEBERG_NOT_FOUND',
        `iceberg: table ${this.#name()} does not exist (set create: true to create it)`,
      );
    }
    const base = this.#opts.location?.replace(/\/+$/, '');
    const nsLocation = base ? `${base}/${this.#namespace.join('/')}` : undefined;
    await this.#catalog.createNamespace(this.#namespace, nsLocation);
    const schema = this.#initialSchema(prepared.map((p) => p.row));
    const spec: PartitionSpec = {
      'spec-id': 0,
      fields: this.#opts.partition.map((p, i) => {
        const source = schema.fields.find((f) => f.name === p.column);
        if (!source) {
          throw new FatalError(
            'DP_ICEBERG_CONFIG',
            `iceberg: partition column "${p.column}" is not a column of the table`,
            {
              details: { field: 'partition' },
            },
          );
        }
        return {
          name: p.transform === 'identity' ? p.column : `${p.column}_${p.transform}`,
          transform: p.transform,
          'source-id': source.id,
          'field-id': 1000 + i,
        };
      }),
    };
    const created = await this.#catalog.createTable(
      this.#namespace,
      this.#opts.table,
      schema,
      spec,
      nsLocation ? `${nsLocation}/${this.#opts.table}` : undefined,
    );
    this.#logger.info({ table: this.#name(), location: created.location }, 'iceberg table created');
    return this.#checkFormat(created);
  }

  #initialSchema(rows: readonly Row[]): IcebergSchema {
    const record = this.#opts.fields === 'record' ? RECORD_COLUMNS : [];
    const configured = Object.entries(this.#opts.schema ?? {});
    const base = schemaFromColumns([...record, ...configured]);
    if (configured.length > 0) return base;
    const inferred = evolve(base, base.fields.length, rows);
    return { ...inferred.schema, 'schema-id': 0 };
  }

  #checkFormat(table: TableMetadata): TableMetadata {
    if (table['format-version'] !== 2) {
      throw new FatalError(
        'DP_ICEBERG_FORMAT',
        `iceberg: table ${this.#name()} has format version ${table['format-version']}; this sink writes version 2`,
      );
    }
    return table;
  }

  /** One commit attempt against `table` as loaded. Throws CommitConflict on 409. */
  async #append(table: TableMetadata, prepared: readonly Prepared[]): Promise<SinkWriteResult | undefined> {
    const current = table.schemas.find((s) => s['schema-id'] === table['current-schema-id']);
    if (!current) throw new FatalError('DP_ICEBERG_FORMAT', `iceberg: ${this.#name()} has no current schema`);
    const failed: { index: number; error: DataError }[] = [];
    const fail = (p: Prepared, reason: string): void => {
      failed.push({
        index: p.index,
        error: new DataError('DP_ICEBERG_TYPE_CONFLICT', `iceberg ${this.#name()}: ${reason}`),
      });
    };
    // Misfits against the table's columns are reported on every attempt, replays included.
    const misfits = conflictsWithin(
      prepared.map((p) => p.row),
      current,
    );
    const fitting = prepared.filter((p, i) => {
      const reason = misfits.get(i);
      if (reason) fail(p, reason);
      return !reason;
    });
    let stored: PartitionPositions;
    try {
      stored = readCommittedOffsets(table.properties, this.#pipeline);
    } catch (err) {
      throw new FatalError('DP_ICEBERG_OFFSETS', `iceberg ${this.#name()}: ${(err as Error).message}`);
    }
    const { pending: unstored } = pendingRecords(fitting, stored);
    const evolution = evolve(
      current,
      table['last-column-id'],
      unstored.map((p) => p.row),
    );
    const newMisfits = conflictsWithin(
      unstored.map((p) => p.row),
      evolution.schema,
    );
    const pending = unstored.filter((p, i) => {
      const reason = newMisfits.get(i);
      if (reason) fail(p, reason);
      return !reason;
    });
    const result = failed.length > 0 ? { failed: failed.sort((a, b) => a.index - b.index) } : undefined;
    if (pending.length === 0) return result;

    const schema = evolution.schema;
    const spec = table['partition-specs'].find((s) => s['spec-id'] === table['default-spec-id']);
    if (!spec)
      throw new FatalError('DP_ICEBERG_FORMAT', `iceberg: ${this.#name()} has no default partition spec`);
    const fields = partitionFields(spec, schema);
    const snapshotId = randomBytes(8).readBigUInt64BE() >> 1n; // a positive 63-bit id, as Java writers use
    const currentSnapshot = table['current-snapshot-id'];
    // Java catalogs say -1 for "no snapshot yet", others omit the field or send null.
    const parentId =
      currentSnapshot == null || BigInt(currentSnapshot) < 0n ? undefined : BigInt(currentSnapshot);
    const sequenceNumber = (table['last-sequence-number'] ?? 0) + 1;
    const location = table.location.replace(/\/+$/, '');

    const files = await this.#writeDataFiles(location, pending, schema, fields);
    const manifestPath = `${location}/metadata/${randomUUID()}-m0.avro`;
    const manifest = encodeManifest({
      files,
      snapshotId,
      schema,
      specId: spec['spec-id'],
      partitionFields: fields,
    });
    await this.#store.put(manifestPath, manifest);
    const previous = await this.#manifestsOf(table, parentId);
    const added = manifestListEntry({
      path: manifestPath,
      length: manifest.length,
      specId: spec['spec-id'],
      sequenceNumber,
      snapshotId,
      files,
    });
    const listPath = `${location}/metadata/snap-${snapshotId}-1-${randomUUID()}.avro`;
    await this.#store.put(
      listPath,
      encodeManifestList({ previous, added, snapshotId, parentSnapshotId: parentId, sequenceNumber }),
    );

    // Only appended records move the stored offsets: a dead-lettered record above them is reported again
    // by a replay (and one below them by the misfit check against the evolved schema).
    const { highest } = pendingRecords(pending, stored);
    const offsets = mergeCommittedOffsets(stored, highest, this.#pipeline);
    const requirements: TableRequirement[] = [
      { type: 'assert-table-uuid', uuid: table['table-uuid'] },
      { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parentId ?? null },
    ];
    const updates: TableUpdate[] = [];
    if (evolution.added.length > 0) {
      requirements.push(
        { type: 'assert-current-schema-id', 'current-schema-id': current['schema-id'] },
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': table['last-column-id'] },
      );
      updates.push(
        { action: 'add-schema', schema, 'last-column-id': evolution.lastColumnId },
        { action: 'set-current-schema', 'schema-id': -1 },
      );
    }
    const records = files.reduce((n, f) => n + f.recordCount, 0);
    updates.push(
      {
        action: 'add-snapshot',
        snapshot: {
          'snapshot-id': snapshotId,
          ...(parentId !== undefined ? { 'parent-snapshot-id': parentId } : {}),
          'sequence-number': sequenceNumber,
          'timestamp-ms': Date.now(),
          'manifest-list': listPath,
          'schema-id': schema['schema-id'],
          summary: {
            operation: 'append',
            'added-data-files': String(files.length),
            'added-records': String(records),
            'added-files-size': String(files.reduce((n, f) => n + f.sizeInBytes, 0)),
            ...offsets,
          },
        },
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
      { action: 'set-properties', updates: offsets },
    );
    await this.#catalog.commitTable(this.#namespace, this.#opts.table, requirements, updates);
    this.#lastManifests = { snapshotId, entries: [...previous, added] };
    if (evolution.added.length > 0) {
      this.#logger.info(
        { table: this.#name(), added: evolution.added.map((f) => `${f.name}:${f.type}`) },
        'iceberg columns added',
      );
    }
    this.#logger.debug(
      { table: this.#name(), snapshot: String(snapshotId), files: files.length, records },
      'iceberg snapshot committed',
    );
    return result;
  }

  async #writeDataFiles(
    location: string,
    pending: readonly Prepared[],
    schema: IcebergSchema,
    fields: readonly PartitionField[],
  ): Promise<DataFile[]> {
    const groups = new Map<string, { values: (number | string | boolean | null)[]; rows: Row[] }>();
    for (const p of pending) {
      const values = fields.map((f) => {
        const source = schema.fields.find((s) => s.id === f['source-id']);
        return applyTransform(f.transform, source ? p.row[source.name] : null);
      });
      const key = JSON.stringify(values);
      let group = groups.get(key);
      if (!group) {
        group = { values, rows: [] };
        groups.set(key, group);
      }
      group.rows.push(p.row);
    }
    const files: DataFile[] = [];
    for (const group of groups.values()) {
      const folder = fields.length > 0 ? `${partitionPath(fields, group.values)}/` : '';
      const path = `${location}/data/${folder}${randomUUID()}.parquet`;
      const body = await encodeDataFile(group.rows, schema);
      await this.#store.put(path, body);
      files.push({
        path,
        recordCount: group.rows.length,
        sizeInBytes: body.byteLength,
        partition: group.values,
      });
    }
    return files;
  }

  /** The manifests of the table's current snapshot, carried into the next one. */
  async #manifestsOf(table: TableMetadata, snapshotId: bigint | undefined): Promise<ManifestFileEntry[]> {
    if (snapshotId === undefined) return [];
    if (this.#lastManifests?.snapshotId === snapshotId) return this.#lastManifests.entries;
    const snapshot = table.snapshots?.find((s) => BigInt(s['snapshot-id']) === snapshotId);
    if (!snapshot)
      throw new FatalError(
        'DP_ICEBERG_FORMAT',
        `iceberg: ${this.#name()} lacks its current snapshot ${snapshotId}`,
      );
    return decodeManifestList(await this.#store.get(snapshot['manifest-list']));
  }
}
