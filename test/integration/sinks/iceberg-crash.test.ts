/**
 * The iceberg sink inside `datapipe run`: a JSONL file with one bad record goes into an Iceberg table
 * (REST catalog + S3), the run is killed with SIGKILL in the middle and run again. PyIceberg then counts
 * every record exactly once (rows per record id), and the bad record sits in the dead-letter file with
 * its provenance while its neighbours are in the table.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RestCatalog } from '../../../src/sinks/iceberg/catalog.ts';
import { readCommittedOffsets } from '../../../src/sinks/iceberg/committed-offsets.ts';
import { orderEvent } from '../../../src/sources/generator-templates.ts';
import {
  fileSourceCommitted,
  runDatapipe,
  runDatapipeSummary,
  writeJsonLines,
} from '../../support/datapipe-process.ts';
import { services } from '../../support/services.ts';
import { freshNamespace, readTable } from './iceberg-support.ts';

const RECORDS = 30_000;
const BAD = 12_345; // offset (0-based line) of the record whose `test` is a string, not a boolean
const KILL_AFTER_STORED = 8_000;
const namespace = freshNamespace();

const PIPELINE = `
name: lake
source:
  type: file
  path: data/orders.jsonl
  timestampField: createdAt
sinks:
  - name: lake
    type: iceberg
    catalogUri: \${ICEBERG_URI}
    namespace: ${namespace}
    table: orders
    create: true
    partition: [{ column: _timestamp, transform: day }]
    s3:
      endpoint: \${S3_ENDPOINT}
      forcePathStyle: true
      accessKeyId: \${S3_KEY}
      secretAccessKey: \${S3_SECRET}
    batch: { maxRecords: 2000, linger: 200ms }
observability:
  enabled: false
`;

let dir: string;
const env = () => ({
  ICEBERG_URI: services.iceberg.uri,
  S3_ENDPOINT: services.s3.endpoint,
  S3_KEY: services.s3.accessKeyId,
  S3_SECRET: services.s3.secretAccessKey(),
  DATAPIPE_LOG_FORMAT: 'json',
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-iceberg-'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'pipeline.yaml'), PIPELINE);
  const start = Date.parse('2026-05-01T00:00:00Z');
  await writeJsonLines(join(dir, 'data/orders.jsonl'), RECORDS, (i) => {
    const value = orderEvent(i, 3, start + i * 20_000).value as Record<string, unknown>;
    if (i === BAD) value['test'] = 'maybe';
    return value;
  });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const committedLine = () => fileSourceCommitted(dir, 'lake');

const catalog = new RestCatalog({ uri: services.iceberg.uri });
/** The highest offset the table's own commits say is stored (-1 before the first). */
async function storedOffset(): Promise<number> {
  await catalog.connect();
  const table = await catalog.loadTable([namespace], 'orders');
  return readCommittedOffsets(table?.properties, 'lake').get('orders/0')?.offset ?? -1;
}
/** The same, asked at most every 300 ms (the kill check polls every 20 ms). */
let lastAsked = 0;
async function storedOffsetThrottled(): Promise<number> {
  if (Date.now() - lastAsked < 300) return -1;
  lastAsked = Date.now();
  return storedOffset();
}

test('iceberg: kill -9 mid-run and a rerun store every record once; the bad one is dead-lettered with provenance', {
  timeout: 600_000,
}, async (t) => {
  const first = await runDatapipe(join(dir, 'pipeline.yaml'), {
    cwd: dir,
    env: env(),
    killWhen: async () => (await storedOffsetThrottled()) >= KILL_AFTER_STORED,
  });
  assert.equal(
    first.signal,
    'SIGKILL',
    `the first run ended before it could be killed:\n${first.output.slice(-3000)}`,
  );
  const atCrash = await storedOffset();
  assert.ok(atCrash < RECORDS - 1, `killed in the middle (stored up to ${atCrash})`);
  const checkpoint = await committedLine();
  // Usually the table holds records past the source checkpoint at the crash: the rerun replays them.
  t.diagnostic(`at the crash: table stored up to offset ${atCrash}, source checkpoint at line ${checkpoint}`);

  Object.assign(process.env, env());
  const summary = await runDatapipeSummary(join(dir, 'pipeline.yaml'), { cwd: dir });
  assert.equal(summary.records_in, RECORDS - checkpoint, 'the rerun resumed at the source checkpoint');
  // The rerun meets the bad record only when the crash came before the checkpoint passed it.
  const rerunMeetsBad = checkpoint <= BAD;
  assert.equal(summary.dead_lettered, rerunMeetsBad ? 1 : 0);
  assert.deepEqual(summary.committed, [{ topic: 'orders', partition: 0, offset: RECORDS }]);

  const view = await readTable(namespace, 'orders');
  assert.deepEqual(view.duplicates, {}, 'no record id has more than one row');
  assert.equal(view.rows, RECORDS - 1);
  const expected = Array.from({ length: RECORDS }, (_, i) => i)
    .filter((i) => i !== BAD)
    .map((i) => `orders/0/${i}`)
    .sort();
  assert.deepEqual(view.ids, expected, 'every record but the bad one, its neighbours included');

  // The dead-letter destination is at least once, like every sink: when the crash fell after the bad
  // record was dead-lettered but before the source checkpoint passed it, the rerun dead-letters it again
  // (`datapipe dlq inspect` shows such doubles once, by provenance). So: one record, one or two lines.
  const dead = (await readFile(join(dir, '.datapipe/lake/dead-letter.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { value: string; headers: Record<string, string> });
  const expectedLines = rerunMeetsBad ? [1, 2] : [1];
  assert.ok(
    expectedLines.includes(dead.length),
    `${dead.length} dead-letter lines, expected ${expectedLines}`,
  );
  assert.deepEqual(
    new Set(dead.map((l) => `${l.headers['datapipe.dlq.topic']}/${l.headers['datapipe.dlq.offset']}`)),
    new Set([`orders/${BAD}`]),
    'every dead-letter line is the bad record',
  );
  const letter = dead[0]!;
  assert.equal(JSON.parse(letter.value).test, 'maybe');
  assert.equal(letter.headers['datapipe.dlq.topic'], 'orders');
  assert.equal(letter.headers['datapipe.dlq.offset'], String(BAD));
  assert.equal(letter.headers['datapipe.dlq.error.code'], 'DP_ICEBERG_TYPE_CONFLICT');
  assert.match(
    letter.headers['datapipe.dlq.error.message'] ?? '',
    /field "test" is a string; the table column "test" is boolean/,
  );
});
