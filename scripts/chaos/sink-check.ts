/**
 * The chaos run's SQLite sink: prepared with a write log, read back, and locked to simulate an outage.
 *
 * The sink upserts by `$position`, so its table can never hold two rows for one key and counting rows
 * against distinct keys cannot see a record written twice. The write log is counted instead: triggers
 * append every row the sink inserts or rewrites to an append-only `writes` table, in the same transaction
 * as the batch. A record whose id (the produced record key) was inserted more than once is stored twice
 * (under two positions); a rewrite (an upsert that hit its own row, as a replay after a kill does) is
 * counted apart and is not a duplicate. test/chaos/sink-check.test.ts injects a double and sees it.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { testPluginContext } from '../../src/runtime/test-fakes.ts';
import { sqliteSink } from '../../src/sinks/sqlite.ts';

export interface SinkCounts {
  readonly rows: number;
  /** Distinct record keys among the rows (a key is a produced record's unique id). */
  readonly distinctKeys: Set<string>;
  /** Rows inserted beyond the first for one record key: records stored twice. */
  readonly duplicates: number;
  /** Upserts that rewrote an existing row (replays). */
  readonly rewrites: number;
}

const EMPTY: SinkCounts = { rows: 0, distinctKeys: new Set(), duplicates: 0, rewrites: 0 };

/** Creates the sink's table (through the sink itself) and the write log next to it. */
export async function prepareSink(file: string, table = 'records'): Promise<void> {
  const sink = sqliteSink.create(
    sqliteSink.options.parse({ path: file, table }),
    testPluginContext('db', dirname(file)),
  );
  await sink.connect();
  await sink.close();
  const db = new DatabaseSync(file);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS writes (record_key TEXT, kind TEXT NOT NULL);
      CREATE TRIGGER IF NOT EXISTS log_insert AFTER INSERT ON "${table}"
        BEGIN INSERT INTO writes VALUES (NEW.record_key, 'insert'); END;
      CREATE TRIGGER IF NOT EXISTS log_update AFTER UPDATE ON "${table}"
        BEGIN INSERT INTO writes VALUES (NEW.record_key, 'update'); END;`);
  } finally {
    db.close();
  }
}

export function readSink(file: string, table = 'records'): SinkCounts {
  if (!existsSync(file)) return EMPTY;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    const rows = db.prepare(`SELECT record_key AS k FROM "${table}"`).all() as Array<{ k: string | null }>;
    const inserts = db
      .prepare("SELECT count(*) AS n, count(DISTINCT record_key) AS d FROM writes WHERE kind = 'insert'")
      .get() as { n: number; d: number };
    const updates = db.prepare("SELECT count(*) AS n FROM writes WHERE kind = 'update'").get() as {
      n: number;
    };
    return {
      rows: rows.length,
      distinctKeys: new Set(rows.map((r) => r.k ?? '')),
      duplicates: inserts.n - inserts.d,
      rewrites: updates.n,
    };
  } catch {
    return EMPTY;
  } finally {
    db.close();
  }
}

/** The record key of every row the sink inserted (not rewrote), from the write log, once per insert. */
export function insertedKeys(file: string): string[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare("SELECT record_key AS k FROM writes WHERE kind = 'insert'").all() as Array<{
      k: string | null;
    }>;
    return rows.map((r) => r.k ?? '');
  } finally {
    db.close();
  }
}

/** Holds an exclusive transaction on the database for `ms`: every writer waits, then fails and retries. */
export async function lockSink(file: string, ms: number): Promise<void> {
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 30000');
    db.exec('BEGIN EXCLUSIVE');
    await new Promise((r) => setTimeout(r, ms));
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

/**
 * A deliberate fault for proving the duplicate check: stores the first row's record again under a new
 * position (as a sink that lost track of a record's identity would). Returns that record's key.
 */
export function injectDouble(file: string, table = 'records'): string {
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    const row = db.prepare(`SELECT * FROM "${table}" ORDER BY id LIMIT 1`).get() as Record<
      string,
      string | number
    >;
    db.prepare(
      `INSERT INTO "${table}" (id, topic, partition, "offset", record_key, timestamp, value) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      `${row['id']}-double`,
      row['topic']!,
      row['partition']!,
      row['offset']!,
      row['record_key']!,
      row['timestamp']!,
      row['value']!,
    );
    return String(row['record_key']);
  } finally {
    db.close();
  }
}
