/**
 * Each contender writes the same batches to a fresh target: the datapipe sink plugin, and the raw
 * driver doing the same writes by hand (what someone would write without datapipe).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import type { PipelineRecord, PluginContext, Sink } from '../../src/core/plugin.ts';
import { httpSink } from '../../src/sinks/http/index.ts';
import { idempotencyKey } from '../../src/sinks/http/payload.ts';
import { mongodbSink } from '../../src/sinks/mongodb/index.ts';
import { postgresSink } from '../../src/sinks/postgres/index.ts';
import { HttpReceiver } from '../../test/support/http-receiver.ts';

export interface Scenario {
  readonly contenders: Contender[];
  /** Closes the admin connections / receiver of the scenario. */
  dispose(): Promise<void>;
}

export interface Contender {
  readonly name: string;
  /** Prepares an empty target named `target`; returns the writer of one batch and a cleanup. */
  setup(
    target: string,
  ): Promise<{ write: (batch: PipelineRecord[]) => Promise<void>; close: () => Promise<void> }>;
  /** Counts what landed in `target`, to check that both contenders wrote everything. */
  count(target: string): Promise<number>;
}

const ctx: PluginContext = {
  pipelineName: 'bench',
  name: 'bench',
  logger: pino({ level: 'silent' }),
  baseDir: process.cwd(),
  stateDir: process.cwd(),
};

function pluginWriter(sink: Sink) {
  return {
    write: async (batch: PipelineRecord[]) => {
      const result = await sink.write(batch);
      if (result?.failed?.length) throw new Error(`${result.failed.length} records failed`);
    },
    close: () => sink.close(),
  };
}

// ---------- postgres ----------

export function postgresScenario(connectionString: string): Scenario {
  const admin = new pg.Pool({ connectionString, max: 1 });
  const createTable = (t: string) =>
    admin.query(
      `DROP TABLE IF EXISTS bench_${t}; CREATE TABLE bench_${t} (topic text, partition integer, "offset" bigint, key text, value jsonb, timestamp timestamptz, PRIMARY KEY (topic, partition, "offset"))`,
    );
  const count = async (t: string) =>
    Number((await admin.query(`SELECT count(*) AS n FROM bench_${t}`)).rows[0].n);
  const contenders: Contender[] = [
    {
      name: 'datapipe-postgres',
      count,
      async setup(t) {
        await createTable(t);
        const sink = postgresSink.create(
          postgresSink.options.parse({ connectionString, table: `bench_${t}` }),
          ctx,
        );
        await sink.connect();
        return pluginWriter(sink);
      },
    },
    {
      name: 'raw-pg-copy-upsert',
      count,
      async setup(t) {
        await createTable(t);
        const pool = new pg.Pool({ connectionString, max: 2 });
        const client = await pool.connect();
        await client.query(
          `CREATE TEMP TABLE stage ON COMMIT DELETE ROWS AS SELECT 0 AS seq, topic, partition, "offset", key, value, timestamp FROM bench_${t} WITH NO DATA`,
        );
        const esc = (s: string) =>
          s.replace(
            /[\\\n\r\t]/g,
            (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string,
          );
        return {
          write: async (batch) => {
            const text = batch
              .map(
                (r, i) =>
                  `${i}\t${esc(r.position.topic)}\t${r.position.partition}\t${r.position.offset}\t${r.key === null ? '\\N' : esc(r.key)}\t${esc(JSON.stringify(r.value))}\t${new Date(r.timestamp).toISOString()}\n`,
              )
              .join('');
            await client.query('BEGIN');
            await pipeline(Readable.from([text]), client.query(copyFrom('COPY stage FROM STDIN')));
            await client.query(
              `INSERT INTO bench_${t} (topic, partition, "offset", key, value, timestamp)
               SELECT DISTINCT ON (topic, partition, "offset") topic, partition, "offset", key, value, timestamp FROM stage
               ORDER BY topic, partition, "offset", seq DESC
               ON CONFLICT (topic, partition, "offset") DO UPDATE SET key = EXCLUDED.key, value = EXCLUDED.value, timestamp = EXCLUDED.timestamp`,
            );
            await client.query('COMMIT');
          },
          close: async () => {
            client.release();
            await pool.end();
          },
        };
      },
    },
  ];
  return { contenders, dispose: () => admin.end() };
}

// ---------- mongodb ----------

export function mongodbScenario(uri: string, database: string, writeModel: 'insert' | 'replace'): Scenario {
  const admin = new MongoClient(uri);
  const collection = (t: string) => admin.db(database).collection<{ _id: string }>(`bench_${t}`);
  const fresh = async (t: string) => {
    await collection(t)
      .drop()
      .catch(() => {});
  };
  const count = (t: string) => collection(t).countDocuments();
  const contenders: Contender[] = [
    {
      name: `datapipe-mongodb-${writeModel}`,
      count,
      async setup(t) {
        await fresh(t);
        const options = mongodbSink.options.parse({ uri, database, collection: `bench_${t}`, writeModel });
        const sink = mongodbSink.create(options, ctx);
        await sink.connect();
        return pluginWriter(sink);
      },
    },
    {
      name: `raw-mongodb-bulkwrite-${writeModel}`,
      count,
      async setup(t) {
        await fresh(t);
        const client = new MongoClient(uri, { maxPoolSize: 4 });
        await client.connect();
        const target = client.db(database).collection<{ _id: string }>(`bench_${t}`);
        return {
          write: async (batch) => {
            await target.bulkWrite(
              batch.map((r) => {
                const _id = `${r.position.topic}:${r.position.partition}:${r.position.offset}`;
                const doc = { ...(r.value as object), _id };
                return writeModel === 'insert'
                  ? { insertOne: { document: doc } }
                  : { replaceOne: { filter: { _id }, replacement: doc, upsert: true } };
              }),
              { ordered: false },
            );
          },
          close: () => client.close(),
        };
      },
    },
  ];
  return { contenders, dispose: () => admin.close() };
}

// ---------- http ----------

/**
 * Each run gets a fresh receiver (test/support/http-receiver.ts, in this process: both contenders pay
 * for it alike), so that the second contender's batches are not dropped as replays of the first's.
 */
export function httpScenario(): Scenario {
  let receiver: HttpReceiver | undefined;
  const count = async () => receiver?.records.length ?? 0;
  const start = async () => {
    await receiver?.stop();
    receiver = await new HttpReceiver().start();
    return receiver;
  };
  const contenders: Contender[] = [
    {
      name: 'datapipe-http',
      count,
      async setup() {
        const r = await start();
        const sink = httpSink.create(httpSink.options.parse({ url: r.url }), ctx);
        await sink.connect();
        return pluginWriter(sink);
      },
    },
    {
      name: 'raw-fetch',
      count,
      async setup() {
        const r = await start();
        return {
          write: async (batch) => {
            const res = await fetch(r.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey(batch) },
              body: JSON.stringify(batch.map((rec) => rec.value)),
              signal: AbortSignal.timeout(30_000),
            });
            await res.text();
            if (!res.ok) throw new Error(`HTTP ${res.status}`);
          },
          close: async () => {},
        };
      },
    },
  ];
  return { contenders, dispose: async () => receiver?.stop() };
}
