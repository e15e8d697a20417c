/**
 * What the object-store integration tests share: records, a context, reading every stored record back,
 * and the tests every driver passes alike (driverContractTests).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import type { Storage } from '@google-cloud/storage';
import { objectStoreDrivers } from '../../../src/cli/plugins.ts';
import { FatalError } from '../../../src/core/errors.ts';
import type { PipelineRecord, PluginContext } from '../../../src/core/plugin.ts';
import { testPluginContext } from '../../../src/runtime/test-fakes.ts';
import type { ObjectStoreDriver } from '../../../src/sinks/object-store/driver.ts';
import { objectStoreSink as objectStorePlugin } from '../../../src/sinks/object-store/index.ts';
import type { ObjectStoreSink } from '../../../src/sinks/object-store/sink.ts';
import { doublesIn } from '../../support/copies.ts';
import { writeAcrossRestart } from '../../support/datapipe-process.ts';

/** A promise that rejects with a FatalError of `code` (a stop, never retried). */
export async function assertFatal(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof FatalError && err.code === code);
}

export const ctx: PluginContext = testPluginContext('archive', import.meta.dirname);

/** The sink as the composition root registers it, with every driver. */
export const objectStoreSink = objectStorePlugin(objectStoreDrivers);

/** An object-store sink from options as a pipeline file gives them (validated, defaults applied). */
export function openObjectStore(options: Record<string, unknown>): ObjectStoreSink {
  return objectStoreSink.create(objectStoreSink.options.parse(options), ctx) as ObjectStoreSink;
}

export function records(from: number, to: number, partition = 0, pad = 0): PipelineRecord[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    position: { topic: 'orders', partition, offset: from + i },
    key: `k${from + i}`,
    value: { id: `${partition}-${from + i}`, pad: 'x'.repeat(pad) },
    headers: {},
    timestamp: Date.parse('2026-01-01T00:00:00Z') + (from + i) * 1000,
    sizeBytes: 64 + pad,
  }));
}

export async function storedNames(driver: ObjectStoreDriver, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const name of driver.list(prefix)) names.push(name);
  return names.sort();
}

/** The ids of every record in every object under `prefix`, duplicates included. */
export async function storedIds(driver: ObjectStoreDriver, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (const name of await storedNames(driver, prefix)) {
    let body = await driver.get(name);
    if (name.endsWith('.gz')) body = gunzipSync(body);
    if (name.endsWith('.zst')) body = zstdDecompressSync(body);
    for (const line of body.toString().split('\n')) if (line) ids.push(JSON.parse(line).id);
  }
  return ids.sort();
}

/** Deletes a GCS test bucket and what it holds (best effort: cleanup must not hide a test's own failure). */
export async function dropGcsBucket(storage: Storage, name: string): Promise<void> {
  await storage
    .bucket(name)
    .deleteFiles({ force: true })
    .catch(() => {});
  await storage
    .bucket(name)
    .delete()
    .catch(() => {});
}

export function idsOf(batch: readonly PipelineRecord[]): string[] {
  return batch.map((r) => (r.value as { id: string }).id).sort();
}

/**
 * A replay after a crash, with other batch boundaries: two sinks from `open` write overlapping ranges
 * of two partitions under `replay/`; every record is stored exactly once, in objects named after the
 * first run's offsets.
 */
async function assertReplayOnce(
  open: (extra: Record<string, unknown>) => ObjectStoreSink,
  compression: 'gzip' | 'zstd',
): Promise<void> {
  const first = open({ prefix: 'replay/', compression });
  await first.connect();
  await first.write([...records(0, 99), ...records(0, 30, 1)]);
  await first.write(records(100, 249));
  await first.close();
  const replay = open({ prefix: 'replay/', compression });
  await replay.connect();
  await replay.write([...records(40, 170), ...records(20, 50, 1)]);
  await replay.write(records(171, 320));
  assert.deepEqual(
    await storedIds(replay.driver, 'replay/'),
    idsOf([...records(0, 320), ...records(0, 50, 1)]),
  );
  const ext = compression === 'gzip' ? 'gz' : 'zst';
  assert.deepEqual(await storedNames(replay.driver, 'replay/'), [
    `replay/orders/partition=0/0000000000-0000000099.jsonl.${ext}`,
    `replay/orders/partition=0/0000000100-0000000249.jsonl.${ext}`,
    `replay/orders/partition=0/0000000250-0000000320.jsonl.${ext}`,
    `replay/orders/partition=1/0000000000-0000000030.jsonl.${ext}`,
    `replay/orders/partition=1/0000000031-0000000050.jsonl.${ext}`,
  ]);
  // The check can fail: a second object holding record 0-7 again (lines are counted per id, not per name).
  await replay.driver.put(
    'replay/orders/partition=0/9999999998-9999999998.jsonl',
    Buffer.from(`${JSON.stringify({ id: '0-7' })}\n`),
  );
  assert.deepEqual(
    doublesIn(await storedIds(replay.driver, 'replay/')),
    ['0-7'],
    'the deliberate double is caught',
  );
  await replay.close();
}

/**
 * The server stops under a write and comes back: the write fails as retryable while it is down, is
 * retried, and in the end every record is stored exactly once.
 */
async function assertSurvivesRestart(
  serviceName: 's3' | 'azurite' | 'gcs',
  open: (extra: Record<string, unknown>) => ObjectStoreSink,
): Promise<void> {
  const s = open({ prefix: 'outage/' });
  await s.connect();
  await s.write(records(0, 49));
  await writeAcrossRestart(serviceName, () => s.write(records(50, 99)));
  assert.deepEqual(await storedIds(s.driver, 'outage/'), idsOf(records(0, 99)));
  await s.close();
}

/** A record that cannot be stored is reported alone, by index; every other record of its batch lands. */
async function assertBadRecordAlone(
  open: (extra: Record<string, unknown>) => ObjectStoreSink,
): Promise<void> {
  const s = open({ prefix: 'bad/' });
  await s.connect();
  const batch = records(0, 9);
  // A BigInt has no JSON form: this record can never be written as JSONL.
  batch[4] = { ...batch[4]!, value: { id: 'bad', amount: 10n } };
  const result = await s.write(batch);
  assert.deepEqual(
    result?.failed?.map((f) => [f.index, f.error.code]),
    [[4, 'DP_OBJECT_STORE_RECORD']],
  );
  assert.deepEqual(await storedIds(s.driver, 'bad/'), idsOf(batch.filter((_, i) => i !== 4)));
  await s.close();
}

type OpenSink = (extra: Record<string, unknown>) => ObjectStoreSink;

/**
 * The tests every driver passes alike, registered in the caller's `describe`: a replay stores each record
 * once, a store that does not exist (`missing`: the options naming it) is fatal, a bad record fails
 * alone, and the server (`serviceName`) restarted under a write loses nothing. The restart goes last.
 */
export function driverContractTests(
  serviceName: 's3' | 'azurite' | 'gcs',
  open: OpenSink,
  o: { compression: 'gzip' | 'zstd'; missing: Record<string, unknown> },
): void {
  test('writes objects named after their offsets; a replay with other boundaries stores each record once', async () => {
    await assertReplayOnce(open, o.compression);
  });

  test('a missing bucket or container is a FatalError, not retried forever', async () => {
    const s = open(o.missing);
    await assertFatal(s.connect(), 'DP_OBJECT_STORE_NOT_FOUND');
    await s.close();
  });

  test('a record that cannot be stored is failed alone (the engine dead-letters it); its neighbours land', async () => {
    await assertBadRecordAlone(open);
  });

  test('survives the server going away mid-run and coming back: nothing lost', {
    timeout: 180_000,
  }, async () => {
    await assertSurvivesRestart(serviceName, open);
  });
}
