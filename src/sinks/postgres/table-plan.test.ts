import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresOptions } from './options.ts';
import { addIndexColumnSql, createTableSql, isLegacyDefaultTable, planTable } from './table-plan.ts';

const options = postgresOptions.parse({
  connectionString: 'postgres://x@h/db',
  table: 'app.events',
  createTable: true,
});

test('default columns: a new table is keyed by topic, partition, offset and the fan-out index', () => {
  const plan = planTable(options, 'pg');
  assert.deepEqual(plan.keyColumns, ['topic', 'partition', 'offset', 'index']);
  assert.equal(plan.keysFanOut, true);
  assert.equal(
    createTableSql(plan),
    'CREATE TABLE IF NOT EXISTS "app"."events" ("topic" text, "partition" integer, "offset" bigint, "index" integer, "key" text, "value" jsonb, "timestamp" timestamptz, PRIMARY KEY ("topic", "partition", "offset", "index"))',
  );
});

test('a table of the earlier defaults keeps the old columns and key, and gets the statement that adds the index', () => {
  const old = new Set(['topic', 'partition', 'offset', 'key', 'value', 'timestamp']);
  assert.equal(isLegacyDefaultTable(options, old), true);
  assert.equal(isLegacyDefaultTable(options, new Set([...old, 'index'])), false);
  const explicit = postgresOptions.parse({
    ...options,
    columns: { topic: '$position.topic', offset: '$position.offset', partition: '$position.partition' },
  });
  assert.equal(isLegacyDefaultTable(explicit, old), false, "explicit columns are the user's");
  const plan = planTable(options, 'pg', true);
  assert.deepEqual(plan.keyColumns, ['topic', 'partition', 'offset']);
  assert.equal(plan.keysFanOut, false);
  assert.equal(
    addIndexColumnSql(plan, 'events_pkey'),
    'ALTER TABLE "app"."events" ADD COLUMN "index" integer NOT NULL DEFAULT 0, DROP CONSTRAINT "events_pkey", ADD PRIMARY KEY ("topic", "partition", "offset", "index")',
  );
  // Keyed by a unique index rather than a primary key: only the column can be given exactly.
  assert.equal(
    addIndexColumnSql(plan, undefined),
    'ALTER TABLE "app"."events" ADD COLUMN "index" integer NOT NULL DEFAULT 0',
  );
});
