import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { services } from '../../support/services.ts';

test('postgres: COPY FROM STDIN and select', { timeout: 30_000 }, async () => {
  const client = new pg.Client({ connectionString: services.postgres.connectionString });
  await client.connect();
  try {
    assert.equal((await client.query<{ one: number }>('select 1 as one')).rows[0]?.one, 1);
    await client.query('create temp table smoke (id int primary key, name text)');
    const rows = Array.from({ length: 1000 }, (_, i) => `${i}\tname-${i}\n`);
    await pipeline(Readable.from(rows), client.query(copyFrom('copy smoke (id, name) from stdin')));
    const result = await client.query<{ n: string; last: string }>(
      'select count(*) as n, max(name) filter (where id = 999) as last from smoke',
    );
    assert.deepEqual(result.rows[0], { n: '1000', last: 'name-999' });
  } finally {
    await client.end();
  }
});

test('postgres: the generated password also authenticates', { timeout: 30_000 }, async () => {
  const client = new pg.Client({
    connectionString: services.postgres.connectionString,
    password: services.postgres.password(),
  });
  await client.connect();
  try {
    assert.equal((await client.query('select current_user as u')).rows[0]?.u, 'datapipe');
  } finally {
    await client.end();
  }
});
