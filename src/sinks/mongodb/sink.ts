/**
 * The MongoDB writer: one unordered bulk write per round of the batch (see write-models.ts). Items the
 * server refuses (duplicate key on another unique index, schema validation) come back as `failed` while
 * the rest of the batch lands; transient failures make the whole batch retryable, which is safe because
 * every operation is keyed by `_id`.
 */
import { type Collection, type Document, MongoBulkWriteError, MongoClient, type WriteError } from 'mongodb';
import { type DataError, RetryableError } from '../../core/errors.ts';
import type { PipelineRecord, PluginContext, Sink, SinkWriteResult } from '../../core/plugin.ts';
import { compileRecordPath, type RecordPath } from '../shared/record-path.ts';
import { classifyMongoError, classOfWriteError, DUPLICATE_KEY, itemError } from './errors.ts';
import type { MongodbOptions } from './options.ts';
import { planBatch, type WriteRound } from './write-models.ts';

type Failed = Array<{ index: number; error: DataError }>;

export class MongodbSink implements Sink {
  readonly #options: MongodbOptions;
  readonly #key: RecordPath;
  readonly #ctx: PluginContext;
  #client: MongoClient | undefined;
  #collection: Collection<Document> | undefined;

  constructor(options: MongodbOptions, ctx: PluginContext) {
    this.#options = options;
    this.#ctx = ctx;
    this.#key = compileRecordPath(options.key);
  }

  async connect(): Promise<void> {
    if (this.#collection) return;
    const o = this.#options;
    let client: MongoClient;
    try {
      client = new MongoClient(o.uri, {
        serverSelectionTimeoutMS: o.timeout,
        connectTimeoutMS: o.timeout,
        socketTimeoutMS: o.timeout,
        maxPoolSize: o.maxPoolSize,
        appName: `datapipe/${this.#ctx.pipelineName}`,
      });
    } catch (err) {
      throw classifyMongoError(err, 'client');
    }
    try {
      await client.connect();
      const db = client.db(o.database);
      await db.command({ ping: 1 });
      this.#collection = db.collection(o.collection);
      this.#client = client;
    } catch (err) {
      await client.close().catch(() => {});
      throw classifyMongoError(err, `connect to ${o.database}.${o.collection}`);
    }
  }

  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    if (!this.#collection) await this.connect();
    const collection = this.#collection as Collection<Document>;
    const plan = planBatch(batch, { ...this.#options, key: this.#key });
    const failed: Failed = [...plan.failed];
    for (const round of plan.rounds) {
      failed.push(...(await this.#writeRound(collection, round)));
    }
    if (failed.length === 0) return undefined;
    failed.sort((a, b) => a.index - b.index);
    return { failed };
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#collection = undefined;
    await client?.close();
  }

  async #writeRound(collection: Collection<Document>, round: WriteRound): Promise<Failed> {
    return this.#writeOperations(
      collection,
      round,
      round.operations.map((_, i) => i),
    );
  }

  /**
   * Writes some operations of a round. When the server refuses some of them, the refused ones are
   * found by bisection rather than by trusting `writeErrors[].index`: some wire-compatible servers
   * (FerretDB 1.x) report wrong indexes and stop an "unordered" write at the first error. Every
   * operation is idempotent (keyed by `_id`), so writing a half again is harmless.
   */
  async #writeOperations(
    collection: Collection<Document>,
    round: WriteRound,
    which: number[],
  ): Promise<Failed> {
    let writeErrors: WriteError[];
    try {
      await collection.bulkWrite(
        which.map((i) => round.operations[i] as (typeof round.operations)[number]),
        { ordered: false },
      );
      return [];
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw classifyMongoError(err, 'bulk write');
      writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      if (writeErrors.length === 0 || err.result?.getWriteConcernError?.()) {
        throw classifyMongoError(err, 'bulk write');
      }
    }
    for (const we of writeErrors) {
      const cls = classOfWriteError(we.code);
      if (cls === 'fatal') throw classifyMongoError(we, 'bulk write');
      if (cls === 'retryable') {
        throw new RetryableError(
          'DP_MONGODB_UNAVAILABLE',
          `mongodb bulk write: ${we.errmsg ?? 'transient write error'}`,
          { details: { mongoCode: we.code } },
        );
      }
    }
    const only = which.length === 1 ? which[0] : undefined;
    if (only === undefined) {
      const middle = Math.ceil(which.length / 2);
      const left = await this.#writeOperations(collection, round, which.slice(0, middle));
      const right = await this.#writeOperations(collection, round, which.slice(middle));
      return [...left, ...right];
    }
    const we = writeErrors[0] as WriteError;
    if (we.code === DUPLICATE_KEY && (await this.#isReplayedInsert(collection, round.ids[only]))) return [];
    return [
      {
        index: round.recordIndexes[only] as number,
        error: itemError(we.code, `mongodb refused the document: ${we.errmsg ?? `code ${we.code}`}`),
      },
    ];
  }

  /**
   * In insert mode a duplicate `_id` means the document is already there: a replay, not bad data.
   * Looking the id up (rather than parsing the error text, which differs between servers) works on
   * every server that speaks the wire protocol.
   */
  async #isReplayedInsert(collection: Collection<Document>, id: unknown): Promise<boolean> {
    if (this.#options.writeModel !== 'insert') return false;
    try {
      return (await collection.countDocuments({ _id: id as Document['_id'] }, { limit: 1 })) > 0;
    } catch (err) {
      throw classifyMongoError(err, 'duplicate check');
    }
  }
}
