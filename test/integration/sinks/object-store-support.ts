/** What the object-store integration tests share: records, a context, and reading every stored record back. */
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import { pino } from 'pino';
import type { PipelineRecord, PluginContext } from '../../../src/runtime/plugin.ts';
import type { ObjectStoreDriver } from '../../../src/sinks/object-store/driver.ts';

export const ctx: PluginContext = {
  pipelineName: 'test',
  name: 'archive',
  logger: pino({ level: 'silent' }),
  baseDir: import.meta.dirname,
  stateDir: import.meta.dirname,
};

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

export function idsOf(batch: readonly PipelineRecord[]): string[] {
  return batch.map((r) => (r.value as { id: string }).id).sort();
}
