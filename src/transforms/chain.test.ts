import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pipelinePlugins } from '../cli/plugins.ts';
import { ConfigError } from '../config/config-error.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import { parseYamlText } from '../config/yaml-file.ts';
import type { DataError } from '../core/errors.ts';
import type { PipelineRecord } from '../core/record.ts';
import { compileTransforms, type TransformChain } from './chain.ts';

/** Compiles with the transform kinds the product registers. */
const compile = (l: LoadedConfig<PipelineConfig>) => compileTransforms(l, pipelinePlugins.transforms);

function record(offset: number, value: unknown, headers: Record<string, string> = {}): PipelineRecord {
  return {
    position: { topic: 'orders', partition: 0, offset },
    key: `k${offset}`,
    value,
    headers,
    timestamp: 1000 + offset,
    sizeBytes: 100,
  };
}

function loaded(
  transforms: PipelineConfig['transforms'],
  baseDir = process.cwd(),
): LoadedConfig<PipelineConfig> {
  const text = `transforms:\n${transforms.map((t) => `  - ${JSON.stringify(t)}`).join('\n')}\n`;
  return {
    file: 'p.yaml',
    baseDir,
    config: { transforms } as PipelineConfig,
    yaml: parseYamlText(text, 'p.yaml'),
  };
}

async function run(chain: TransformChain, records: PipelineRecord[]) {
  const filtered: number[] = [];
  const failed: Array<[number, DataError]> = [];
  const out = await chain.run(
    { records, tags: records.map((r) => r.position.offset) },
    { filtered: (tag) => filtered.push(tag), failed: (tag, err) => failed.push([tag, err]) },
  );
  return {
    values: out.records.map((r) => JSON.parse(JSON.stringify(r.value))),
    positions: out.records.map((r) => ({ ...r.position })),
    tags: out.tags,
    filtered,
    failed,
  };
}

describe('transforms', () => {
  it('passes records through untouched, synchronously, when there are no transforms', async () => {
    const chain = await compile(loaded([]));
    const input = { records: [record(0, 1)], tags: [0] };
    assert.equal(chain.run(input, { filtered: assert.fail, failed: assert.fail }), input);
  });

  it('filters and maps with JSONata, with the record metadata as variables', async () => {
    const chain = await compile(
      loaded([
        { filter: 'amount > 10 and $headers.source = "web"' },
        { map: '{"id": $key, "cents": amount * 100, "at": $timestamp, "p": $partition}' },
      ]),
    );
    const r = await run(chain, [
      record(0, { amount: 5 }, { source: 'web' }),
      record(1, { amount: 20 }, { source: 'web' }),
      record(2, { amount: 30 }, { source: 'app' }),
    ]);
    assert.deepEqual(r.values, [{ id: 'k1', cents: 2000, at: 1001, p: 0 }]);
    assert.deepEqual(r.tags, [1]);
    assert.deepEqual(r.filtered, [0, 2]);
  });

  it('dead-letters a record whose expression fails, and keeps the others', async () => {
    const chain = await compile(loaded([{ map: '$number(n)' }]));
    const r = await run(chain, [record(0, { n: '12' }), record(1, { n: 'twelve' })]);
    assert.deepEqual(r.values, [12]);
    assert.equal(r.failed[0]?.[0], 1);
    assert.equal(r.failed[0]?.[1].code, 'DP_TRANSFORM_FAILED');
  });

  it('reports an expression that does not compile as a ConfigError at its line', async () => {
    await assert.rejects(compile(loaded([{ filter: 'a' }, { map: '{"a": ' }])), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.field, 'transforms[1].map');
      assert.equal(err.location.line, 3);
      // `{"a": ` is 6 characters; JSONata wants the closing brace.
      assert.equal(
        err.reason,
        'invalid JSONata expression at character 6: Expected "}" before end of expression',
      );
      return true;
    });
  });

  it('runs a module transform: setup once with its options, fan-out, drop, and errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-transform-'));
    writeFileSync(
      join(dir, 'enrich.ts'),
      `let factor = 0;
export function setup(options: { factor: number }): void { factor = options.factor; }
export default function enrich(record: { value: { n: number } }) {
  if (record.value.n === 0) return null;
  if (record.value.n < 0) throw new Error('negative');
  if (record.value.n === 2) return [record, { ...record, value: { n: 2, copy: true } }];
  return { ...record, value: { n: record.value.n * factor } };
}
`,
    );
    const chain = await compile(loaded([{ module: './enrich.ts', options: { factor: 3 } }], dir));
    assert.equal(chain.mayMutateHeaders, true);
    const r = await run(chain, [
      record(0, { n: 0 }),
      record(1, { n: 1 }),
      record(2, { n: 2 }),
      record(3, { n: -1 }),
    ]);
    assert.deepEqual(r.values, [{ n: 3 }, { n: 2 }, { n: 2, copy: true }]);
    assert.deepEqual(r.tags, [1, 2, 2]);
    // The copy of offset 2 is told apart by its index; the first of an expansion keeps the plain position.
    assert.deepEqual(r.positions, [
      { topic: 'orders', partition: 0, offset: 1 },
      { topic: 'orders', partition: 0, offset: 2 },
      { topic: 'orders', partition: 0, offset: 2, index: 1 },
    ]);
    assert.deepEqual(r.filtered, [0]);
    assert.equal(r.failed[0]?.[0], 3);
    assert.match(r.failed[0]?.[1].message ?? '', /negative/);
  });

  it('numbers a fan-out across chained modules and after filters, and copies a record returned twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-transform-'));
    // triple: r -> [r, r, r] (the same object three times); half: keeps copies whose value.n is even.
    writeFileSync(
      join(dir, 'triple.ts'),
      'export default (r: { value: { n: number } }) => [r, r, { ...r, value: { n: r.value.n + 1 } }];\n',
    );
    writeFileSync(
      join(dir, 'pair.ts'),
      'export default (r: { value: { n: number } }) => [r, { ...r, value: { n: r.value.n * 10 } }];\n',
    );
    const chain = await compile(
      loaded([{ module: './triple.ts' }, { filter: 'n != 5' }, { module: './pair.ts' }], dir),
    );
    // offset 7 (n=4): triple → n 4, 4, 5; filter drops 5; pair → 4, 40, 4, 40: indexes 0..3.
    // offset 8 (n=5): triple → 5, 5, 6; filter keeps 6; pair → 6, 60: indexes 0, 1.
    const r = await run(chain, [record(7, { n: 4 }), record(8, { n: 5 })]);
    assert.deepEqual(r.values, [{ n: 4 }, { n: 40 }, { n: 4 }, { n: 40 }, { n: 6 }, { n: 60 }]);
    assert.deepEqual(
      r.positions.map((p) => [p.offset, p.index]),
      [
        [7, undefined],
        [7, 1],
        [7, 2],
        [7, 3],
        [8, undefined],
        [8, 1],
      ],
    );
  });

  it('reports a module without a default export as a ConfigError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-transform-'));
    writeFileSync(join(dir, 'bad.ts'), 'export const x = 1;\n');
    await assert.rejects(compile(loaded([{ module: './bad.ts' }], dir)), {
      name: 'ConfigError',
      field: 'transforms[0].module',
    });
  });
});
