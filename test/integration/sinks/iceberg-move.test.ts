/**
 * The RUNBOOK's ways of moving an Iceberg table between catalogs (src/platform/iceberg-catalogs.ts), run
 * for real against the local REST catalog and S3 server (`npm run services:up -- s3 iceberg`):
 *  - the snapshot copy, the RUNBOOK's own Python taken from a rendered RUNBOOK and run with PyIceberg:
 *    the copy holds every row and the pipeline's offsets, so the same pipeline writing to the copy resumes
 *    after them (a replay of the copied range appends nothing; the ids counted by PyIceberg);
 *  - the register step: the REST `register` request the RUNBOOK gives makes a table of an existing
 *    metadata file, offsets included.
 * Both "catalogs" are the one local catalog: the copy goes to another namespace.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pipelinePlugins, platformTargets } from '../../../src/cli/plugins.ts';
import { loadPlatformFile } from '../../../src/platform/load.ts';
import { renderPlatform } from '../../../src/platform/render.ts';
import { services } from '../../support/services.ts';
import { freshNamespace, idsOf, openSink, readTable, records, type TableView } from './iceberg-support.ts';

const run = promisify(execFile);
const PLATFORM = fileURLToPath(new URL('../../fixtures/iceberg-platform/platform.yaml', import.meta.url));

/** The snapshot copy's Python, as the rendered RUNBOOK gives it. */
function runbookSnippet(): string {
  const loaded = loadPlatformFile(PLATFORM, pipelinePlugins, platformTargets, {});
  const runbook = renderPlatform(loaded, 'baremetal', platformTargets).files.get('RUNBOOK.md')!;
  const block = /```python\n([\s\S]*?)\n\s*```/.exec(runbook)?.[1];
  assert.ok(block, 'a python block in the RUNBOOK');
  return block
    .split('\n')
    .map((line) => line.replace(/^ {3}/, ''))
    .join('\n');
}

/**
 * Runs the RUNBOOK's snapshot copy of `<oldNs>.orders` to `<newNs>.orders`, its placeholders filled as an
 * operator would; `dropLine` removes one line of it (the deliberate fault).
 */
async function copyAsTheRunbookSays(oldNs: string, newNs: string, dropLine?: RegExp): Promise<void> {
  // The operator's part: the two catalogs' settings, the names and the new location.
  const settings = `{"uri": ${JSON.stringify(services.iceberg.uri)}, "s3.endpoint": ${JSON.stringify(services.s3.endpoint)}, "s3.access-key-id": ${JSON.stringify(services.s3.accessKeyId)}, "s3.secret-access-key": ${JSON.stringify(services.s3.secretAccessKey())}, "s3.region": "us-east-1", "s3.path-style-access": "true"}`;
  const snippet = runbookSnippet()
    .split('\n')
    .filter((line) => !dropLine?.test(line))
    .join('\n');
  const script = snippet
    .replace('OLD = {...}', `OLD = ${settings}`)
    .replace('NEW = {...}', `NEW = ${settings}`)
    .replace('load_table("NS.TABLE")', `load_table("${oldNs}.orders")`)
    .replace('create_namespace_if_not_exists("NS")', `create_namespace_if_not_exists("${newNs}")`)
    .replace('create_table("NS.TABLE"', `create_table("${newNs}.orders"`)
    .replace('NEW_LOCATION/NS/TABLE', `s3://${services.iceberg.bucket}/moved/${newNs}/orders`);
  assert.doesNotMatch(script, /NS\.TABLE|\{\.\.\.\}|NEW_LOCATION/, 'every placeholder filled');
  const file = join(await mkdtemp(join(tmpdir(), 'datapipe-move-')), 'move_table.py');
  writeFileSync(file, script);
  await run(services.iceberg.python, [file], { timeout: 120_000 });
}

/** Offsets 0..99 written by pipeline `mover` to a fresh table, copied by the RUNBOOK's snippet. */
async function writeAndCopy(dropLine?: RegExp): Promise<{ oldNs: string; newNs: string }> {
  const oldNs = freshNamespace();
  const newNs = freshNamespace();
  const first = openSink(oldNs, 'orders', {}, 'mover');
  await first.connect();
  await first.write(records(0, 99));
  await first.close();
  await copyAsTheRunbookSays(oldNs, newNs, dropLine);
  return { oldNs, newNs };
}

/** The pipeline, re-pointed at the copy, replays from offset 50 (before the end of the copied range). */
async function replayOnCopy(newNs: string): Promise<TableView> {
  const resumed = openSink(newNs, 'orders', {}, 'mover');
  await resumed.connect();
  await resumed.write(records(50, 149));
  await resumed.close();
  return readTable(newNs, 'orders');
}

describe('moving an iceberg table as the RUNBOOK says', { timeout: 300_000 }, () => {
  test('snapshot copy: every row and the offsets travel; the pipeline resumes on the copy without doubles', async () => {
    const { oldNs, newNs } = await writeAndCopy();
    const before = await readTable(oldNs, 'orders');
    assert.equal(before.rows, 100);

    const copied = await readTable(newNs, 'orders');
    assert.equal(copied.rows, 100);
    assert.deepEqual(copied.ids, before.ids);
    assert.deepEqual(copied.duplicates, {});
    for (const key of Object.keys(before.properties).filter((k) => k.startsWith('datapipe.'))) {
      assert.equal(copied.properties[key], before.properties[key], key);
    }
    assert.ok(copied.properties['datapipe.offsets.mover'], 'the offsets travelled');
    assert.equal(copied.snapshots.length, 1, 'the rows and the offsets in one commit');
    assert.ok(
      copied.files.every((f) => f.includes(`/moved/${newNs}/orders/`)),
      copied.files[0],
    );

    // The pipeline, re-pointed at the copy, replays from before the end of the copied range: nothing doubles.
    const after = await replayOnCopy(newNs);
    assert.equal(after.rows, 150);
    assert.deepEqual(after.duplicates, {});
    assert.deepEqual(after.ids, idsOf(records(0, 149)));
  });

  test('the check can fail: a copy without the offsets, and the same replay doubles the copied range', async () => {
    const { newNs } = await writeAndCopy(/tx\.set_properties/);
    assert.equal((await readTable(newNs, 'orders')).properties['datapipe.offsets.mover'], undefined);
    const after = await replayOnCopy(newNs);
    assert.equal(after.rows, 200);
    // Offsets 50..99: twice each.
    assert.deepEqual(Object.keys(after.duplicates).sort(), idsOf(records(50, 99)));
  });

  test('register: the REST request of the RUNBOOK makes a table of a metadata file, offsets included', async () => {
    const ns = freshNamespace();
    const sink = openSink(ns, 'orders', {}, 'mover');
    await sink.connect();
    await sink.write(records(0, 9));
    await sink.close();
    const loaded = (await (
      await fetch(`${services.iceberg.uri}/v1/namespaces/${ns}/tables/orders`)
    ).json()) as {
      'metadata-location': string;
    };
    const metadata = loaded['metadata-location'];
    assert.match(metadata, /\.metadata\.json$/);
    // As the RUNBOOK gives it: POST <catalogUri>/v1/<prefix>/namespaces/NS/register (no prefix here).
    const response = await fetch(`${services.iceberg.uri}/v1/namespaces/${ns}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'registered', 'metadata-location': metadata }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const registered = await readTable(ns, 'registered');
    assert.equal(registered.rows, 10);
    assert.deepEqual(registered.ids, idsOf(records(0, 9)));
    assert.ok(registered.properties['datapipe.offsets.mover']);
  });
});
