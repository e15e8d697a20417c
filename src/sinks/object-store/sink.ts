/**
 * The object-store sink: each batch becomes one object per (rendered prefix, topic, partition), named after
 * the positions it holds: `{prefix}{topic}/partition={p}/{firstOffset:010d}-{lastOffset:010d}.{ext}`
 * (with `_{index}` after an offset whose record is the second or later copy of a fan-out: 0016).
 * Below, "offset" means the position (offset, index): the copies of one fan-out follow each other in it.
 *
 * Idempotent replays. After a crash the engine replays from the last committed offset, and batch
 * boundaries may differ (batches flush by time), so names alone cannot make a replay rewrite the same
 * objects. Instead the sink relies on two guarantees of the engine: each partition's records arrive in
 * offset order, and a partition's batches are written one after the other (batches of different
 * partitions may be written at once, decision 0096: they touch different folders). Hence, within one
 * partition folder, stored objects hold consecutive runs of that folder's records, and every record of
 * the folder at or below the highest stored offset is stored. On the first write to a folder the sink
 * lists it and keeps that highest offset; records at or below it are acknowledged without writing, the
 * rest are written as a new object. The watermark is per folder (not per partition) because a time or
 * field prefix can spread one batch over several folders, written one after the other: a crash between
 * two of them must not hide the records of the folder that was not written. Records a format cannot
 * hold are reported as failed on every attempt, including replays, so the dead-letter path sees them
 * whatever happened before the crash.
 * See docs/decisions/0005-object-names-and-replays.md.
 */
import type { Logger } from 'pino';
import { DataError, FatalError, RetryableError } from '../../core/errors.ts';
import type { PipelineRecord, PluginContext, Sink, SinkWriteResult } from '../../core/plugin.ts';
import { compareSubPositions, type SubPosition } from '../../core/record-identity.ts';
import { bodyLength, type ObjectBody, type ObjectStoreDriver } from './driver.ts';
import type { ObjectFormat } from './formats/format.ts';
import { jsonlFormat } from './formats/jsonl.ts';
import { parquetFormat } from './formats/parquet.ts';
import { objectName, type PrefixTemplate, parsePrefix, partitionFolder } from './object-name.ts';
import { checkDriverOptions, type ObjectStoreOptions } from './options.ts';
import { StoredOffsets } from './stored-offsets.ts';

interface Group {
  readonly prefix: string;
  readonly folder: string;
  readonly topic: string;
  readonly partition: number;
  readonly positions: SubPosition[];
  readonly prepared: unknown[];
}

/** Objects of one batch written at the same time (several partitions or prefixes). */
const PUT_CONCURRENCY = 4;

export class ObjectStoreSink implements Sink {
  readonly #openDriver: () => Promise<ObjectStoreDriver>;
  readonly #logger: Logger;
  readonly #prefix: PrefixTemplate;
  readonly #format: ObjectFormat;
  #driver: ObjectStoreDriver | undefined;
  #stored: StoredOffsets | undefined;

  /**
   * `driver` opens the driver the options name (from the registered drivers, see `objectStoreSink`), or
   * is a driver itself (tests inject failing drivers).
   */
  constructor(
    opts: ObjectStoreOptions,
    ctx: PluginContext,
    driver: ObjectStoreDriver | (() => Promise<ObjectStoreDriver>),
  ) {
    checkDriverOptions(opts);
    this.#logger = ctx.logger;
    this.#prefix = parsePrefix(opts.prefix);
    this.#format =
      opts.format === 'parquet'
        ? parquetFormat(opts.fields, opts.schema)
        : jsonlFormat(opts.fields, opts.compression);
    if (typeof driver === 'function') this.#openDriver = driver;
    else {
      this.#driver = driver;
      this.#openDriver = async () => driver;
    }
  }

  /** The driver, once `connect` has created it. */
  get driver(): ObjectStoreDriver {
    if (!this.#driver) {
      throw new RetryableError('DP_OBJECT_STORE_NOT_CONNECTED', 'the object-store sink is not connected');
    }
    return this.#driver;
  }

  async connect(): Promise<void> {
    this.#driver ??= await this.#openDriver();
    await this.#driver.check();
  }

  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    const driver = this.driver;
    this.#stored ??= new StoredOffsets(driver);
    const stored = this.#stored;
    const failed: { index: number; error: DataError }[] = [];
    const groups = new Map<string, Group>();
    // a batch holds runs of one partition's records: the previous record's group, while it matches, saves
    // building and hashing a folder name per record
    let previousGroup: Group | undefined;
    batch.forEach((record, index) => {
      let prepared: unknown;
      try {
        prepared = this.#format.prepare(record);
      } catch (err) {
        const error = err instanceof DataError ? err : new DataError('DP_OBJECT_STORE_RECORD', String(err));
        failed.push({ index, error });
        return;
      }
      const { topic, partition } = record.position;
      const position = record.position;
      const prefix = this.#prefix.render(record);
      let group =
        previousGroup?.partition === partition &&
        previousGroup.topic === topic &&
        previousGroup.prefix === prefix
          ? previousGroup
          : undefined;
      if (!group) {
        const folder = partitionFolder(prefix, topic, partition);
        group = groups.get(folder);
        if (!group) {
          group = { prefix, folder, topic, partition, positions: [], prepared: [] };
          groups.set(folder, group);
        }
        previousGroup = group;
      }
      const previous = group.positions.at(-1);
      const order = previous === undefined ? 1 : compareSubPositions(position, previous);
      if (order <= 0) {
        if (order === 0) return; // the same record twice in one batch
        throw new FatalError(
          'DP_OBJECT_STORE_ORDER',
          `records of ${topic}/${partition} arrived out of offset order (${describe(position)} after ${describe(previous as SubPosition)})`,
        );
      }
      group.positions.push(position);
      group.prepared.push(prepared);
    });
    const pending = [...groups.values()];
    const workers = Array.from({ length: Math.min(PUT_CONCURRENCY, pending.length) }, async () => {
      for (let group = pending.shift(); group; group = pending.shift())
        await this.#writeGroup(group, driver, stored);
    });
    // Settle every put before reporting a failure: a retry must not race a put still in flight.
    const outcomes = await Promise.allSettled(workers);
    const rejected = outcomes.find((o) => o.status === 'rejected');
    if (rejected) throw rejected.reason;
    return failed.length > 0 ? { failed } : undefined;
  }

  async close(): Promise<void> {
    await this.#driver?.close();
  }

  /** Writes the records of one folder that are not stored yet as one object. */
  async #writeGroup(group: Group, driver: ObjectStoreDriver, stored: StoredOffsets): Promise<void> {
    const highest = await stored.highest(group.folder);
    const start = group.positions.findIndex((p) => compareSubPositions(p, highest) > 0);
    if (start < 0) return;
    let body: ObjectBody;
    try {
      body = await this.#format.encode(group.prepared.slice(start));
    } catch (err) {
      throw new DataError('DP_OBJECT_STORE_ENCODE', `cannot encode records of ${group.folder}`, {
        cause: err,
      });
    }
    const first = group.positions[start]!;
    const last = group.positions.at(-1)!;
    const name = objectName(group.prefix, group.topic, group.partition, first, last, this.#format.extension);
    const started = performance.now();
    await driver.put(name, body);
    stored.stored(group.folder, last);
    if (this.#logger.isLevelEnabled('debug')) {
      const records = group.positions.length - start;
      const ms = performance.now() - started;
      this.#logger.debug({ object: name, records, bytes: bodyLength(body), ms }, 'object written');
    }
  }
}

function describe(p: SubPosition): string {
  return p.index ? `${p.offset}#${p.index}` : String(p.offset);
}
