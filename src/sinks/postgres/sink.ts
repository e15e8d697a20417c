/**
 * The PostgreSQL writer. Per batch, one transaction: COPY the rows into a TEMP staging table, then one
 * `INSERT … SELECT DISTINCT ON (key) … ON CONFLICT (key) DO UPDATE | DO NOTHING`, so a replay rewrites
 * the same rows. When some rows are refused (constraint violation, bad value), the batch is bisected
 * inside savepoints: the good rows land in the same transaction, the refused ones come back as `failed`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataError, FatalError } from '../../core/errors.ts';
import type { PipelineRecord, PluginContext, Sink, SinkWriteResult } from '../../core/plugin.ts';
import { originalJson } from '../../core/record.ts';
import { subIndex } from '../../core/record-identity.ts';
import { type ColumnEncoding, copyField, copyJsonText, encodingOf } from './copy-text.ts';
import { classifyPgError, classOfPgError, isBrokenConnection } from './errors.ts';
import type { PostgresOptions } from './options.ts';
import {
  addIndexColumnSql,
  copySql,
  createStagingSql,
  createTableSql,
  describeColumnsSql,
  isLegacyDefaultTable,
  mergeSql,
  planTable,
  primaryKeySql,
  type TablePlan,
} from './table-plan.ts';

interface Row {
  /** Index of the record in the batch. */
  readonly index: number;
  /** The COPY text line, with its newline. */
  readonly line: string;
}

type Failed = Array<{ index: number; error: DataError }>;

export class PostgresSink implements Sink {
  readonly #options: PostgresOptions;
  readonly #ctx: PluginContext;
  #plan: TablePlan;
  #copySql: string;
  #mergeSql: string;
  /** Set for a table of the earlier default columns: the ALTER TABLE that lets it store fanned-out copies. */
  #addIndexColumn: string | undefined;
  /** Connections on which the staging table exists (it lives as long as the session). */
  readonly #staged = new WeakSet<pg.PoolClient>();
  #pool: pg.Pool | undefined;
  #encodings: ColumnEncoding[] | undefined;

  constructor(options: PostgresOptions, ctx: PluginContext) {
    this.#options = options;
    this.#ctx = ctx;
    this.#plan = planTable(options, ctx.name);
    this.#copySql = copySql(this.#plan);
    this.#mergeSql = mergeSql(this.#plan);
  }

  async connect(): Promise<void> {
    if (this.#pool && this.#encodings) return;
    const o = this.#options;
    if (!this.#pool) {
      this.#pool = new pg.Pool({
        connectionString: o.connectionString,
        max: o.poolSize,
        connectionTimeoutMillis: o.timeout,
        statement_timeout: o.timeout,
        idleTimeoutMillis: 30_000,
        keepAlive: true,
        application_name: `datapipe/${this.#ctx.pipelineName}`,
      });
      // An idle connection that the server drops must not crash the process: the pool replaces it.
      this.#pool.on('error', (err) =>
        this.#ctx.logger.warn({ err: err.message }, 'postgres: idle connection lost'),
      );
    }
    await this.#withClient('prepare table', async (client) => {
      if (o.createTable) await client.query(createTableSql(this.#plan));
      const types = await this.#tableColumns(client);
      if (isLegacyDefaultTable(o, new Set(types.keys()))) await this.#useLegacyDefault(client);
      this.#encodings = this.#encodeTypes(types);
      await this.#ensureStaging(client);
      // Validates the ON CONFLICT target (a unique index on keyColumns must exist) before any data flows.
      await client.query(`EXPLAIN ${this.#mergeSql}`);
    });
  }

  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    if (!this.#pool || !this.#encodings) await this.connect();
    const failed: Failed = [];
    const rows = this.#encode(batch, failed);
    if (rows.length > 0) {
      await this.#withClient('write', async (client) => {
        await this.#ensureStaging(client);
        failed.push(...(await this.#writeRows(client, rows)));
      });
    }
    if (failed.length === 0) return undefined;
    failed.sort((a, b) => a.index - b.index);
    return { failed };
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#encodings = undefined;
    await pool?.end();
  }

  async #writeRows(client: pg.PoolClient, rows: readonly Row[]): Promise<Failed> {
    await client.query('BEGIN');
    try {
      await this.#load(client, rows);
      await client.query('COMMIT');
      return [];
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if (classOfPgError(err) !== 'data') throw err;
    }
    // Some rows are refused: find them by bisection, keeping the others, in one transaction.
    const failed: Failed = [];
    await client.query('BEGIN');
    try {
      await this.#bisect(client, rows, failed);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    return failed;
  }

  async #bisect(client: pg.PoolClient, rows: readonly Row[], failed: Failed): Promise<void> {
    await client.query('SAVEPOINT dp_rows');
    try {
      await client.query(`TRUNCATE ${this.#plan.staging}`);
      await this.#load(client, rows);
      await client.query('RELEASE SAVEPOINT dp_rows');
      return;
    } catch (err) {
      if (classOfPgError(err) !== 'data') throw err;
      await client.query('ROLLBACK TO SAVEPOINT dp_rows');
      await client.query('RELEASE SAVEPOINT dp_rows');
      const only = rows.length === 1 ? rows[0] : undefined;
      if (only) {
        failed.push({
          index: only.index,
          error: classifyPgError(err, `row refused by ${this.#plan.targetName}`) as DataError,
        });
        return;
      }
    }
    const middle = Math.ceil(rows.length / 2);
    await this.#bisect(client, rows.slice(0, middle), failed);
    await this.#bisect(client, rows.slice(middle), failed);
  }

  async #load(client: pg.PoolClient, rows: readonly Row[]): Promise<void> {
    const copy = client.query(copyFrom(this.#copySql));
    await pipeline(Readable.from([rows.map((r) => r.line).join('')]), copy);
    await client.query(this.#mergeSql);
  }

  #encode(batch: readonly PipelineRecord[], failed: Failed): Row[] {
    const encodings = this.#encodings as ColumnEncoding[];
    const columns = this.#plan.columns;
    const rows: Row[] = [];
    batch.forEach((record, index) => {
      if (!this.#plan.keysFanOut && subIndex(record.position) > 0) {
        failed.push({ index, error: fanOutKeyError(this.#plan.targetName, this.#addIndexColumn) });
        return;
      }
      try {
        let line = String(index);
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c] as (typeof columns)[number];
          const encoding = encodings[c] as ColumnEncoding;
          // the whole value into json/jsonb: its original bytes, when nothing changed them (decision 0077)
          const original =
            column.path.kind === 'value' && encoding === 'json' ? originalJson(record) : undefined;
          line += `\t${original === undefined ? copyField(column.path.get(record), encoding) : copyJsonText(original)}`;
        }
        rows.push({ index, line: `${line}\n` });
      } catch (err) {
        failed.push({
          index,
          error: new DataError(
            'DP_POSTGRES_ENCODE',
            `postgres: the record cannot be encoded: ${String(err)}`,
          ),
        });
      }
    });
    return rows;
  }

  /** The table's column names and types. */
  async #tableColumns(client: pg.PoolClient): Promise<Map<string, string>> {
    const { rows } = await client.query<{ name: string; type: string }>(describeColumnsSql, [
      this.#plan.target,
    ]);
    if (rows.length === 0) {
      throw new FatalError(
        'DP_POSTGRES_SCHEMA',
        `postgres: table ${this.#plan.targetName} does not exist (create it, or set createTable: true)`,
      );
    }
    return new Map(rows.map((r) => [r.name, r.type]));
  }

  /**
   * The default columns against a table an earlier version created without the index column: write it as
   * before (the data stays where it is), refuse fanned-out copies, and say how to add the column
   * (docs/decisions/0018-postgres-fan-out-default.md).
   */
  async #useLegacyDefault(client: pg.PoolClient): Promise<void> {
    this.#plan = planTable(this.#options, this.#ctx.name, true);
    this.#copySql = copySql(this.#plan);
    this.#mergeSql = mergeSql(this.#plan);
    const { rows } = await client.query<{ conname: string }>(primaryKeySql, [this.#plan.target]);
    this.#addIndexColumn = addIndexColumnSql(this.#plan, rows[0]?.conname);
    this.#ctx.logger.warn(
      { table: this.#plan.targetName, statement: this.#addIndexColumn },
      'postgres: the table has no fan-out index column; records a transform fans out beyond the first will be dead-lettered until it is added',
    );
  }

  #encodeTypes(types: ReadonlyMap<string, string>): ColumnEncoding[] {
    return this.#plan.columns.map((c) => {
      const type = types.get(c.name);
      if (type === undefined) {
        throw new FatalError(
          'DP_POSTGRES_SCHEMA',
          `postgres: table ${this.#plan.targetName} has no column "${c.name}"`,
        );
      }
      return encodingOf(type);
    });
  }

  async #ensureStaging(client: pg.PoolClient): Promise<void> {
    if (this.#staged.has(client)) return;
    // Outside any transaction, so that a rolled-back batch does not take the staging table with it.
    await client.query(createStagingSql(this.#plan));
    this.#staged.add(client);
  }

  /** Runs `work` on a pooled connection; a connection that broke is destroyed instead of reused. */
  async #withClient(what: string, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const pool = this.#pool as pg.Pool;
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw classifyPgError(err, `connect (${what})`);
    }
    let broken: Error | undefined;
    try {
      await work(client);
    } catch (err) {
      if (isBrokenConnection(err)) broken = err instanceof Error ? err : new Error(String(err));
      throw classifyPgError(err, what);
    } finally {
      client.release(broken);
    }
  }
}

/** A fanned-out copy whose key columns cannot tell it from the first record of its expansion. */
function fanOutKeyError(table: string, addIndexColumn: string | undefined): DataError {
  const remedy =
    addIndexColumn === undefined
      ? 'map a column to $position.index (it joins the default key) or set keyColumns'
      : `the table was created without the index column of the default columns; add it with: ${addIndexColumn} (then restart the pipeline)`;
  return new DataError(
    'DP_POSTGRES_FANOUT_KEY',
    `postgres: a transform fanned this record out, and the key of ${table} (topic, partition, offset) cannot tell the copies apart: ${remedy}`,
  );
}
