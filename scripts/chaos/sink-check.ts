/** Reading the chaos run's SQLite sink back, and locking it to simulate a sink outage. */
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

export interface SinkCounts {
  readonly rows: number;
  /** Distinct record keys among the rows (a key is a produced record's unique id). */
  readonly distinctKeys: Set<string>;
}

export function readSink(file: string): SinkCounts {
  if (!existsSync(file)) return { rows: 0, distinctKeys: new Set() };
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    const rows = db.prepare('SELECT record_key AS k FROM records').all() as Array<{ k: string | null }>;
    return { rows: rows.length, distinctKeys: new Set(rows.map((r) => r.k ?? '')) };
  } catch {
    return { rows: 0, distinctKeys: new Set() };
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
