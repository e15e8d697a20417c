/**
 * Helpers for the Kafka integration tests: unique topics on the real broker (test/support/services.ts),
 * producing and reading back, pipeline files in a temp folder, and `datapipe` processes whose logs are
 * kept in a file (so tests can grep them, e.g. for a secret that must never appear).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  Admin,
  type CompressionAlgorithmValue,
  Consumer,
  type Message,
  ProduceAcks,
  Producer,
} from '@platformatic/kafka';
import { stringify } from 'yaml';
import { readBatch } from '../../../src/sources/kafka/read-batch.ts';
import { services } from '../../support/services.ts';

export const brokers = [services.kafka.bootstrap];
export const repoRoot = resolve(import.meta.dirname, '../../..');
const node = process.execPath;

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export async function createTopic(name: string, partitions: number): Promise<string> {
  const admin = new Admin({ clientId: 'datapipe-test-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics: [name], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
  return name;
}

export interface TestMessage {
  readonly key?: string;
  readonly value: string | Buffer;
  readonly partition?: number;
  readonly headers?: Record<string, string>;
  readonly timestamp?: number;
}

/** Produces in sends of 1,000 messages; `compression` compresses each record batch with that codec. */
export async function produce(
  topic: string,
  messages: readonly TestMessage[],
  compression?: CompressionAlgorithmValue,
): Promise<void> {
  const producer = new Producer({
    clientId: 'datapipe-test-producer',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    ...(compression === undefined ? {} : { compression }),
  });
  try {
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({
        messages: messages.slice(i, i + 1000).map((m) => ({
          topic,
          ...(m.key === undefined ? {} : { key: Buffer.from(m.key) }),
          value: Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value),
          ...(m.partition === undefined ? {} : { partition: m.partition }),
          ...(m.headers
            ? {
                headers: new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
              }
            : {}),
          ...(m.timestamp === undefined ? {} : { timestamp: BigInt(m.timestamp) }),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

export type ReadMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Reads `count` messages of `topic` from the beginning with a throwaway group (fails after `timeoutMs`). */
export async function readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const consumer = new Consumer({
    clientId: 'datapipe-test-reader',
    groupId: uniqueName('reader'),
    bootstrapBrokers: brokers,
    autocommit: false,
    maxWaitTime: 200,
  });
  const out: ReadMessage[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    stream.on('readable', () => {});
    const signal = AbortSignal.timeout(timeoutMs);
    while (out.length < count) {
      const batch = await readBatch<ReadMessage>(stream, 1000, signal);
      if (batch === null) break;
      out.push(...batch);
    }
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  if (out.length < count)
    throw new Error(`read ${out.length} of ${count} messages from ${topic} in ${timeoutMs} ms`);
  return out;
}

export function headerMap(m: ReadMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of m.headers) out[k.toString()] = v.toString();
  return out;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `datapipe-${prefix}-`));
}

/** Writes a pipeline file (observability off unless given) and returns its path. */
export function writePipeline(dir: string, config: Record<string, unknown>, file = 'pipeline.yaml'): string {
  const path = join(dir, file);
  writeFileSync(path, stringify({ observability: { enabled: false }, ...config }));
  return path;
}

/** A `kafka` source on the test broker: `topics`, group `groupId`, short fetch waits; `extra` adds or overrides. */
export function kafkaSource(
  topic: string,
  groupId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { type: 'kafka', brokers, topics: [topic], groupId, maxWaitTime: '100ms', ...extra };
}

/** The `sqlite` sink named `db` at `path`, keyed by position (a replayed record rewrites its row). */
export function sqliteSink(path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'sqlite', name: 'db', path, key: '$position', ...extra };
}

/** A `deadLetter` sink config: Kafka topic `topic` on the test broker, created on first use; `extra` adds or overrides. */
function deadLetterTo(topic: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'kafka', name: 'dlq', brokers, topic, valueEncoding: 'bytes', createTopic: {}, ...extra };
}

/** A `deadLetter` sink config: a Kafka topic next to `topic`, created on first use. */
export function deadLetterFor(topic: string): Record<string, unknown> {
  return deadLetterTo(`${topic}.dlq`);
}

/**
 * Writes the transform module `check.mjs` into `dir` and returns its `transforms` entry: it throws on a
 * record whose value has `poison: true`, unless the process runs with DLQ_TEST_FIXED=1 (the fix a replay
 * runs with).
 */
function poisonCheck(dir: string): Record<string, unknown> {
  writeFileSync(
    join(dir, 'check.mjs'),
    `export default (record) => {
  if (record.value && record.value.poison && process.env.DLQ_TEST_FIXED !== '1') throw new Error('poison record ' + record.value.id);
  return record;
};\n`,
  );
  return { module: './check.mjs' };
}

/** What kafkaToSqlite made: the pipeline file and the names and places its test checks. */
export interface KafkaToSqlite {
  readonly name: string;
  /** The input topic, `<name>-in`. */
  readonly topic: string;
  /** `<name>.dlq`, where the pipeline dead-letters when `deadLetter` was given. */
  readonly dlqTopic: string;
  readonly dir: string;
  /** The SQLite file of the `db` sink. */
  readonly db: string;
  readonly file: string;
}

/**
 * A pipeline `<prefix>-…` (in a temp folder) reading a new topic of `partitions` partitions into a SQLite
 * file; `poison` adds the poison check (poisonCheck) as its transform, `deadLetter` dead-letters to
 * `<name>.dlq` with those settings; `source` and `sink` add to the source and sink settings.
 */
export async function kafkaToSqlite(
  prefix: string,
  partitions: number,
  o: {
    source?: Record<string, unknown>;
    sink?: Record<string, unknown>;
    poison?: boolean;
    deadLetter?: Record<string, unknown>;
  } = {},
): Promise<KafkaToSqlite> {
  const name = uniqueName(prefix).toLowerCase();
  const topic = await createTopic(`${name}-in`, partitions);
  const dlqTopic = `${name}.dlq`;
  const dir = tempDir(prefix);
  const db = join(dir, 'out.db');
  const file = writePipeline(dir, {
    name,
    source: kafkaSource(topic, `${name}-group`, o.source),
    ...(o.poison ? { transforms: [poisonCheck(dir)] } : {}),
    sinks: [sqliteSink(db, o.sink)],
    ...(o.deadLetter ? { deadLetter: deadLetterTo(dlqTopic, o.deadLetter) } : {}),
  });
  return { name, topic, dlqTopic, dir, db, file };
}

export interface DatapipeProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  logs(): string;
}

/** Starts `datapipe ARGS...` with stdout+stderr appended to `logFile` (JSON logs); `nodeArgs` go to Node. */
export function startDatapipe(
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): DatapipeProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(node, [...nodeArgs, join(repoRoot, 'bin/datapipe.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATAPIPE_LOG_FORMAT: 'json', NO_COLOR: '1', ...env },
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, logFile, exited, logs: () => readFileSync(logFile, 'utf8') };
}

/**
 * Starts `datapipe ARGS...` (see startDatapipe), runs `during` while it lives, then stops it with `signal`,
 * also when `during` failed, and waits for it to exit.
 */
export async function whileRunning<T>(
  args: string[],
  logFile: string,
  during: () => Promise<T>,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<T> {
  const run = startDatapipe(args, logFile);
  try {
    return await during();
  } finally {
    run.child.kill(signal);
    await run.exited;
  }
}

/** Runs `datapipe ARGS...` to completion; returns exit code, stdout and stderr. */
export function datapipe(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(node, [join(repoRoot, 'bin/datapipe.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATAPIPE_LOG_FORMAT: 'json', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

export { waitFor } from '../../../src/runtime/test-wait.ts';

/** Committed offsets of a group, summed over the partitions of `topic`. */
export async function committedTotal(groupId: string, topic: string, partitions: number): Promise<number> {
  const consumer = new Consumer({ clientId: 'datapipe-test-offsets', groupId, bootstrapBrokers: brokers });
  try {
    const committed = await consumer.listCommittedOffsets({
      topics: [{ topic, partitions: Array.from({ length: partitions }, (_, i) => i) }],
    });
    return (committed.get(topic) ?? []).reduce((sum, o) => sum + (o > 0n ? Number(o) : 0), 0);
  } finally {
    await consumer.close(true);
  }
}

/** Rows of the sqlite sink's `records` table (none while the database does not exist yet). */
export function sinkRows<T>(db: string, sql = 'SELECT * FROM records'): T[] {
  try {
    const d = new DatabaseSync(db, { readOnly: true });
    try {
      return d.prepare(sql).all() as T[];
    } finally {
      d.close();
    }
  } catch {
    return [];
  }
}

/** How many records the sqlite sink holds. */
export function sinkRowCount(db: string): number {
  return sinkRows<{ n: number }>(db, 'SELECT count(*) AS n FROM records')[0]?.n ?? 0;
}
