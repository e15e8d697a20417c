import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { pipelinePlugins } from '../cli/plugins.ts';
import type { PipelineRecord } from '../core/plugin.ts';
import { nullSink } from './null.ts';

const ctx = {
  pipelineName: 't',
  name: 'discard',
  logger: pino({ level: 'silent' }),
  baseDir: '.',
  stateDir: '.',
};

function records(n: number): PipelineRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    position: { topic: 't', partition: 0, offset: i },
    key: null,
    value: { i },
    headers: {},
    timestamp: 0,
    sizeBytes: 10,
  }));
}

describe('null sink', () => {
  test('is registered under type "null"', () => {
    assert.equal(
      pipelinePlugins.sinks.find((p) => p.type === 'null'),
      nullSink,
    );
  });

  test('acknowledges every record of a batch (no failures)', async () => {
    const sink = nullSink.create(nullSink.options.parse({}), ctx);
    await sink.connect();
    assert.equal(await sink.write(records(3)), undefined);
    await sink.close();
  });

  test('delay holds each write back until that much time has passed', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const opts = nullSink.options.parse({ delay: '30ms' });
    assert.equal(opts.delay, 30);
    const sink = nullSink.create(opts, ctx);
    let done = false;
    const write = sink.write(records(1)).then(() => {
      done = true;
    });
    t.mock.timers.tick(29);
    await Promise.resolve();
    assert.equal(done, false);
    t.mock.timers.tick(1);
    await write;
    assert.equal(done, true);
  });

  test('rejects a delay that is not a duration', () => {
    assert.throws(() => nullSink.options.parse({ delay: 'soon' }));
  });
});
