/**
 * What the sink integration tests share: records to write, sinks that are closed after the suite even
 * when a test failed (an open client keeps the process alive), a server restart under a write, and the
 * dead-letter file a `datapipe run` leaves in its state folder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineRecord, PluginContext, Sink, SinkPlugin } from '../../src/core/plugin.ts';
import { writeAcrossRestart } from './datapipe-process.ts';

/** `count` records of `topic`/`partition` from offset `start`; `content(offset)` gives each key and value. */
export function testRecords(
  count: number,
  start: number,
  topic: string,
  partition: number,
  content: (offset: number) => { key: string; value: unknown },
): PipelineRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    position: { topic, partition, offset: start + i },
    ...content(start + i),
    headers: {},
    timestamp: 1_700_000_000_000 + i,
    sizeBytes: 64,
  }));
}

/** Opens sinks of `plugin` and closes every one of them at the end (`closeAll` in the suite's `after`). */
export function sinkSet(plugin: SinkPlugin, ctx: PluginContext) {
  const opened: Sink[] = [];
  return {
    open(options: Record<string, unknown>): Sink {
      const sink = plugin.create(plugin.options.parse(options), ctx);
      opened.push(sink);
      return sink;
    },
    async closeAll(): Promise<void> {
      await Promise.all(opened.map((s) => s.close()));
    },
  };
}

/**
 * Offsets 0-299 of topic `restart` written in three batches, server `serviceName` restarted under the
 * second (see writeAcrossRestart); then the store holds exactly those offsets (`storedOffsets`).
 */
export async function assertRestartLosesNothing(
  serviceName: string,
  sink: Sink,
  records: (count: number, start: number) => PipelineRecord[],
  storedOffsets: () => Promise<number[]>,
): Promise<void> {
  await sink.connect();
  await sink.write(records(100, 0));
  await writeAcrossRestart(serviceName, () => sink.write(records(100, 100)));
  await sink.write(records(100, 200));
  assert.deepEqual(
    (await storedOffsets()).sort((a, b) => a - b),
    Array.from({ length: 300 }, (_, i) => i),
  );
}

/** The entries of the dead-letter file in a pipeline's state folder. */
export function readDeadLetters<T>(stateDir: string): T[] {
  return readFileSync(join(stateDir, 'dead-letter.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}
