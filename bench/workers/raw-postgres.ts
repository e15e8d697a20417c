/**
 * The raw pg driver doing the writes the postgres sink does, fed by the bare Kafka client: per batch,
 * one transaction that COPYs the rows into a temp staging table, then `INSERT … SELECT DISTINCT ON
 * … ON CONFLICT DO UPDATE` into a (topic, partition, offset)-keyed table with a jsonb value.
 * No retries, no bisection, no metrics: the floor of what the sink can cost.
 *
 *   node bench/workers/raw-postgres.ts --brokers ... --topic T --group G --records N --url postgres://... --table t
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';

const args = workerArgs(['url', 'table']);
const table = `"${args.extra['table']}"`;
const client = new pg.Client({ connectionString: args.extra['url'] });
await client.connect();
await client.query(
  `CREATE TABLE IF NOT EXISTS ${table} ("topic" text, "partition" integer, "offset" bigint, "key" text, "value" jsonb, "timestamp" timestamptz, PRIMARY KEY ("topic", "partition", "offset"))`,
);
await client.query(
  `CREATE TEMP TABLE raw_stage ON COMMIT DELETE ROWS AS SELECT 0::integer AS seq, "topic", "partition", "offset", "key", "value", "timestamp" FROM ${table} WITH NO DATA`,
);

/** COPY text escaping of one field (backslash, tab, newline, carriage return). */
const field = (s: string) =>
  s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

await consumeLoop(args, async (batch: RawMessage[]) => {
  const lines = batch.map((m, i) => {
    const msg = m as RawMessage & { key: Buffer | null; timestamp: bigint };
    // parsed and re-serialised, as a sink that maps a value into a jsonb column must
    const value = JSON.stringify(JSON.parse(m.value.toString('utf8')));
    const key = msg.key ? field(msg.key.toString('utf8')) : '\\N';
    const ts = new Date(Number(msg.timestamp)).toISOString();
    return `${i}\t${args.topic}\t${m.partition}\t${m.offset}\t${key}\t${field(value)}\t${ts}\n`;
  });
  await client.query('BEGIN');
  await pipeline(Readable.from([lines.join('')]), client.query(copyFrom('COPY raw_stage FROM STDIN')));
  await client.query(
    `INSERT INTO ${table} ("topic", "partition", "offset", "key", "value", "timestamp") SELECT DISTINCT ON ("topic", "partition", "offset") "topic", "partition", "offset", "key", "value", "timestamp" FROM raw_stage ORDER BY "topic", "partition", "offset", seq DESC ON CONFLICT ("topic", "partition", "offset") DO UPDATE SET "key" = EXCLUDED."key", "value" = EXCLUDED."value", "timestamp" = EXCLUDED."timestamp"`,
  );
  await client.query('COMMIT');
});
await client.end();
