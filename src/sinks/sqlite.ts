/**
 * Writes records into a SQLite table with Node's built-in `node:sqlite` (no native addon, no server):
 * the embedded default. Each batch is one transaction of upserts keyed by the record identity, so a replay
 * rewrites the same rows. WAL mode with synchronous=FULL: a committed batch survives a crash.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { DataError, FatalError, RetryableError } from '../core/errors.ts';
import type { PipelineRecord, PluginContext, Sink, SinkPlugin, SinkWriteResult } from '../core/plugin.ts';
import { positionIdentity } from '../core/record-identity.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const options = z.object({
  path: z
    .string()
    .min(1)
    .meta({ description: 'The database file, relative to the pipeline file; created if missing.' }),
  table: z
    .string()
    .regex(IDENTIFIER, 'must be a plain SQL identifier (letters, digits, _)')
    .default('records')
    .meta({ description: 'The table, created if missing.' }),
  key: z.string().min(1).default('$position').meta({
    description:
      'The row identity for upserts: a field path of the value (e.g. `orderId`), `$key` (the record key) or `$position` (topic/partition/offset, plus /index for the second and later records a transform fanned out).',
  }),
});

type SqliteSinkOptions = z.output<typeof options>;

/** Extracts the row identity of a record; undefined when the record has none. */
function rowKey(record: PipelineRecord, key: string): string | undefined {
  if (key === '$position') return positionIdentity(record.position, '/');
  if (key === '$key') return record.key ?? undefined;
  let current: unknown = record.value;
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean'
    ? String(current)
    : undefined;
}

function jsonOf(value: unknown): string {
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error('the value has no JSON form');
  return text;
}

class SqliteSink implements Sink {
  readonly #opts: SqliteSinkOptions;
  readonly #file: string;
  #db: DatabaseSync | undefined;
  #upsert: StatementSync | undefined;

  constructor(opts: SqliteSinkOptions, ctx: PluginContext) {
    this.#opts = opts;
    this.#file = resolve(ctx.baseDir, opts.path);
  }

  async connect(): Promise<void> {
    this.#db?.close(); // a reconnect after an error starts from a fresh handle
    this.#db = undefined;
    try {
      mkdirSync(dirname(this.#file), { recursive: true });
      const db = new DatabaseSync(this.#file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
      const table = this.#opts.table;
      db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (
        id TEXT PRIMARY KEY,
        topic TEXT NOT NULL,
        partition INTEGER NOT NULL,
        "offset" INTEGER NOT NULL,
        record_key TEXT,
        timestamp INTEGER NOT NULL,
        value TEXT
      )`);
      this.#upsert = db.prepare(
        `INSERT INTO "${table}" (id, topic, partition, "offset", record_key, timestamp, value)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET topic = excluded.topic, partition = excluded.partition,
           "offset" = excluded."offset", record_key = excluded.record_key,
           timestamp = excluded.timestamp, value = excluded.value`,
      );
      this.#db = db;
    } catch (err) {
      throw classify(err, `cannot open ${this.#file}`);
    }
  }

  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    const db = this.#db;
    const upsert = this.#upsert;
    if (!db || !upsert)
      throw new RetryableError('DP_SQLITE_NOT_CONNECTED', 'the sqlite sink is not connected');
    const failed: { index: number; error: DataError }[] = [];
    try {
      db.exec('BEGIN IMMEDIATE');
      batch.forEach((record, index) => {
        const id = rowKey(record, this.#opts.key);
        if (id === undefined) {
          failed.push({ index, error: missingKey(this.#opts.key) });
          return;
        }
        let value: string;
        try {
          value = jsonOf(record.value);
        } catch (err) {
          failed.push({
            index,
            error: new DataError('DP_SQLITE_VALUE', 'the record value cannot be stored as JSON', {
              cause: err,
            }),
          });
          return;
        }
        const p = record.position;
        upsert.run(id, p.topic, p.partition, p.offset, record.key, Math.trunc(record.timestamp), value);
      });
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw classify(err, `writing to ${this.#file} failed`);
    }
    return failed.length > 0 ? { failed } : undefined;
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
    this.#upsert = undefined;
  }
}

function missingKey(key: string): DataError {
  return new DataError('DP_SQLITE_NO_KEY', `the record has no value for the key "${key}"`, {
    details: { key },
  });
}

/** Busy, full or I/O trouble may pass; a file that is not a database or cannot be opened will not. */
function classify(err: unknown, message: string): Error {
  const code = (err as { errcode?: number }).errcode;
  const primary = code === undefined ? undefined : code & 0xff;
  const detail = err instanceof Error ? `${message}: ${err.message}` : message;
  // SQLITE_CANTOPEN (14), SQLITE_NOTADB (26), SQLITE_READONLY (8), SQLITE_PERM (3), SQLITE_AUTH (23), SQLITE_CORRUPT (11)
  if (primary !== undefined && [3, 8, 11, 14, 23, 26].includes(primary)) {
    return new FatalError('DP_SQLITE_UNUSABLE', detail, { cause: err, details: { sqliteCode: code ?? -1 } });
  }
  if (primary === undefined && (err as NodeJS.ErrnoException).code === 'EACCES') {
    return new FatalError('DP_SQLITE_UNUSABLE', detail, { cause: err });
  }
  return new RetryableError('DP_SQLITE_WRITE', detail, { cause: err, details: { sqliteCode: code ?? -1 } });
}

export const sqliteSink: SinkPlugin<typeof options> = {
  type: 'sqlite',
  description: 'Upserts records into a SQLite table (built into Node: no server); one transaction per batch.',
  options,
  create: (opts, ctx) => new SqliteSink(opts, ctx),
};
