import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { pipelinePlugins } from '../cli/plugins.ts';
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import type { SinkPlugin } from '../core/plugin.ts';
import type { PluginLookup } from './instances.ts';
import { preparePipeline } from './prepare.ts';
import { FakeSink, FakeSource, fakePipeline, fakePlugins, silentLogger } from './test-fakes.ts';

describe('preparePipeline', () => {
  it('defaults the dead-letter destination of a Kafka pipeline to the <name>.dlq topic, same cluster', async () => {
    const created: Array<Record<string, unknown>> = [];
    const kafkaSink: SinkPlugin = {
      type: 'kafka',
      description: '',
      options: z.object({ brokers: z.array(z.string()), topic: z.string() }),
      create: (options) => {
        created.push(options);
        return new FakeSink();
      },
    };
    const source = new FakeSource([]);
    const plugins: PluginLookup = {
      source: () => ({ type: 'kafka', description: '', options: z.object({}), create: () => source }),
      sink: (type) => (type === 'kafka' ? kafkaSink : fakePlugins(source, { s: new FakeSink() }).sink(type)),
      transforms: pipelinePlugins.transforms,
    };
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }] });
    const config = loaded.config as PipelineConfig & { source: Record<string, unknown> };
    config.source = { type: 'kafka', decode: 'json', brokers: ['k:9092'], topics: ['orders'], groupId: 'g' };
    const prepared = await preparePipeline(loaded, { logger: silentLogger, plugins });
    assert.equal(prepared.deadLetter.config.type, 'kafka');
    assert.deepEqual(created, [{ brokers: ['k:9092'], topic: 'test.dlq' }]);
  });

  it('defaults to a JSONL file in the state folder otherwise', async () => {
    const source = new FakeSource([]);
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's' }] });
    const prepared = await preparePipeline(loaded, {
      logger: silentLogger,
      plugins: fakePlugins(source, { s: new FakeSink() }),
    });
    assert.equal(prepared.deadLetter.config.type, 'dead-letter-file');
  });

  it('reports a `when` that does not compile at its field', async () => {
    const source = new FakeSource([]);
    const loaded = fakePipeline({ sinks: [{ type: 's', name: 's', when: 'a = ' }] });
    await assert.rejects(
      preparePipeline(loaded, { logger: silentLogger, plugins: fakePlugins(source, { s: new FakeSink() }) }),
      { name: 'ConfigError', field: 'sinks[0].when' },
    );
  });
});
