/**
 * A sink plugin's own batch defaults (`batchDefaults`, decision 0080): the object-store and iceberg sinks
 * default to 2000 records / 4 MiB, every other sink keeps the shared 500 records / 1 MiB, and a `batch`
 * written in the config keeps its values. The schema output (`datapipe schema`) and the reference docs
 * show each sink's own default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pipelinePlugins } from '../cli/plugins.ts';
import { pipelineJsonSchema } from './json-schema.ts';
import { pipelineSchema } from './pipeline-schema.ts';
import { renderSchemaDocs } from './schema-docs.ts';

const MiB = 1024 * 1024;
/** The figures decided in docs/decisions/0080. */
const OBJECT_DEFAULTS = { maxRecords: 2000, maxBytes: 4 * MiB };
const SHARED_DEFAULTS = { maxRecords: 500, maxBytes: 1 * MiB };

const SINKS: Record<string, Record<string, unknown>> = {
  'object-store': { type: 'object-store', driver: 'fs', path: 'out' },
  iceberg: { type: 'iceberg', catalogUri: 'http://127.0.0.1:18181', namespace: 'db', table: 't' },
  postgres: { type: 'postgres', connectionString: 'postgres://u@127.0.0.1/db', table: 't' },
  null: { type: 'null' },
  kafka: { type: 'kafka', brokers: ['127.0.0.1:9092'], topic: 'out' },
};

/** The parsed `batch` of a one-sink pipeline, the sink given `extra` fields. */
function batchOf(sink: string, extra: Record<string, unknown> = {}) {
  const parsed = pipelineSchema(pipelinePlugins).safeParse({
    name: 'p',
    source: { type: 'generator' },
    sinks: [{ name: 's', ...SINKS[sink], ...extra }],
  });
  assert.ok(parsed.success, parsed.error?.message);
  return (parsed.data.sinks[0] as unknown as { batch: Record<string, unknown> }).batch;
}

describe('batch defaults per sink', () => {
  for (const sink of ['object-store', 'iceberg']) {
    it(`${sink} without batch gets 2000 records / 4 MiB, the shared linger and caught-up flush`, () => {
      assert.deepEqual(batchOf(sink), { ...OBJECT_DEFAULTS, linger: 20, flushWhenCaughtUp: true });
    });
  }

  it('object-store with batch keeps its values; a field left out takes the sink’s own default', () => {
    assert.deepEqual(
      batchOf('object-store', { batch: { maxRecords: 100, maxBytes: '256KiB', linger: '50ms' } }),
      {
        maxRecords: 100,
        maxBytes: 256 * 1024,
        linger: 50,
        flushWhenCaughtUp: true,
      },
    );
    assert.deepEqual(batchOf('object-store', { batch: { maxRecords: 150 } }), {
      maxRecords: 150,
      maxBytes: OBJECT_DEFAULTS.maxBytes,
      linger: 20,
      flushWhenCaughtUp: true,
    });
  });

  for (const sink of ['postgres', 'null', 'kafka']) {
    it(`${sink} keeps the shared 500 records / 1 MiB`, () => {
      assert.deepEqual(batchOf(sink), { ...SHARED_DEFAULTS, linger: 20, flushWhenCaughtUp: true });
    });
  }

  it('the JSON Schema gives each sink its own default', () => {
    const schema = pipelineJsonSchema(pipelinePlugins) as {
      properties: { sinks: { items: { oneOf?: Variant[]; anyOf?: Variant[] } } };
    };
    type Variant = {
      properties: { type: { const: string }; batch: { properties: Record<string, { default: unknown }> } };
    };
    const variants = schema.properties.sinks.items.oneOf ?? schema.properties.sinks.items.anyOf ?? [];
    const defaults = (type: string) => {
      const v = variants.find((x) => x.properties.type.const === type);
      assert.ok(v, type);
      return {
        maxRecords: v.properties.batch.properties['maxRecords']?.default,
        maxBytes: v.properties.batch.properties['maxBytes']?.default,
      };
    };
    assert.deepEqual(defaults('object-store'), OBJECT_DEFAULTS);
    assert.deepEqual(defaults('iceberg'), OBJECT_DEFAULTS);
    assert.deepEqual(defaults('postgres'), SHARED_DEFAULTS);
  });

  it('the reference docs list the shared default once and a sink’s own default in its section', () => {
    const docs = renderSchemaDocs(pipelineJsonSchema(pipelinePlugins) as never, {
      unions: [{ field: 'sinks', heading: 'Sink', common: ['name', 'when', 'required', 'batch', 'retry'] }],
    });
    const section = (heading: string) => {
      const from = docs.indexOf(`### ${heading}`);
      assert.ok(from >= 0, heading);
      const to = docs.indexOf('\n### ', from + 1);
      return docs.slice(from, to < 0 ? undefined : to);
    };
    const row = (text: string, field: string) =>
      text.split('\n').find((l) => l.startsWith(`| \`${field}\` |`));
    const shared = section('Fields of every sink');
    assert.match(row(shared, 'batch.maxRecords') ?? '', /\| `500` \|/);
    assert.match(row(shared, 'batch.maxBytes') ?? '', /\| `1048576` \|/);
    const objectStore = section('Sink `object-store`');
    assert.match(row(objectStore, 'batch.maxRecords') ?? '', /\| `2000` \|/);
    assert.match(row(objectStore, 'batch.maxBytes') ?? '', /\| `4194304` \|/);
    assert.equal(row(objectStore, 'batch.linger'), undefined, 'a shared default is not repeated');
    assert.equal(row(section('Sink `postgres`'), 'batch.maxRecords'), undefined);
  });
});
