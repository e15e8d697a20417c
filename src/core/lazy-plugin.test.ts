import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lazySink } from './lazy-plugin.ts';
import type { PipelineRecord, Sink } from './plugin.ts';

it('loads the real sink on connect, once, and delegates to it', async () => {
  let loads = 0;
  const calls: string[] = [];
  const real: Sink = {
    connect: async () => {
      calls.push('connect');
    },
    write: async (batch: readonly PipelineRecord[]) => {
      calls.push(`write ${batch.length}`);
      return undefined;
    },
    close: async () => {
      calls.push('close');
    },
  };
  const sink = lazySink(async () => {
    loads++;
    return real;
  });
  assert.equal(loads, 0, 'nothing is loaded before connect');
  await sink.connect();
  await sink.write([]);
  await sink.close();
  assert.equal(loads, 1);
  assert.deepEqual(calls, ['connect', 'write 0', 'close']);
});

it('closing a sink that never connected loads nothing', async () => {
  let loads = 0;
  const sink = lazySink(async () => {
    loads++;
    throw new Error('must not load');
  });
  await sink.close();
  assert.equal(loads, 0);
});
