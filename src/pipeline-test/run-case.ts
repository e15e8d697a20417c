/**
 * Runs one test case of `datapipe test` through the pipeline's REAL decode, transforms and routing
 * (the engine's own TransformChain and Router), in-process: no source is read and no sink connected.
 * What each sink would receive and what would be dead-lettered is compared with the case's expectations.
 */
import { isDeepStrictEqual } from 'node:util';
import type { LoadedConfig } from '../config/load.ts';
import type { PipelineConfig, SinkConfig, SourceConfig } from '../config/pipeline-schema.ts';
import type { TransformPlugin } from '../core/plugin.ts';
import type { PipelineRecord, SourceMessage } from '../core/record.ts';
import type { DeadLetterStage } from '../runtime/dead-letter.ts';
import { createDecoder, messageBytes } from '../runtime/decode.ts';
import { compileSinkConditions } from '../runtime/prepare.ts';
import { describeFailure } from '../runtime/retry.ts';
import { Router } from '../runtime/router.ts';
import { compileTransforms, type TransformChain } from '../transforms/chain.ts';
import type { TestCase } from './test-file.ts';

export interface CaseOutcome {
  readonly sinks: Record<
    string,
    Array<{ value: unknown; key: string | null; headers: Record<string, string> }>
  >;
  readonly deadLetter: Array<{ input: number; stage: DeadLetterStage; code: string }>;
}

export interface CompiledPipeline {
  readonly config: PipelineConfig;
  readonly chain: TransformChain;
  readonly router: Router<number>;
  readonly collected: Map<string, PipelineRecord[]>;
}

export async function compilePipeline(
  loaded: LoadedConfig<PipelineConfig>,
  transforms: readonly TransformPlugin[],
): Promise<CompiledPipeline> {
  const chain = await compileTransforms(loaded, transforms);
  const whens = compileSinkConditions(loaded);
  const collected = new Map<string, PipelineRecord[]>();
  const router = new Router<number>(
    (loaded.config.sinks as SinkConfig[]).map((s, i) => ({
      name: s.name,
      when: whens[i],
      add: (record: PipelineRecord) => collected.get(s.name)?.push(record),
    })),
  );
  return { config: loaded.config, chain, router, collected };
}

export async function runCase(p: CompiledPipeline, c: TestCase): Promise<CaseOutcome> {
  const decode = createDecoder((p.config.source as SourceConfig).decode);
  const deadLetter: CaseOutcome['deadLetter'] = [];
  const fail = (input: number, stage: DeadLetterStage, error: unknown) =>
    deadLetter.push({ input, stage, code: describeFailure(error).code });
  const records: PipelineRecord[] = [];
  const tags: number[] = [];
  c.input.forEach((r, i) => {
    const message: SourceMessage = {
      topic: 'test',
      partition: 0,
      offset: i,
      key: r.key === undefined || r.key === null ? null : Buffer.from(r.key),
      value:
        r.value === null
          ? null
          : Buffer.from(typeof r.value === 'string' ? r.value : JSON.stringify(r.value)),
      headers: r.headers ?? {},
      timestamp: typeof r.timestamp === 'string' ? Date.parse(r.timestamp) : (r.timestamp ?? 0),
    };
    try {
      records.push(decode(message, messageBytes(message), true));
      tags.push(i);
    } catch (err) {
      fail(i, 'decode', err);
    }
  });
  const out = await p.chain.run(
    { records, tags },
    { filtered: () => {}, failed: (tag, error) => fail(tag, 'transform', error) },
  );
  for (const s of p.config.sinks as SinkConfig[]) p.collected.set(s.name, []);
  await p.router.route(out.records, out.tags, {
    unrouted: () => {},
    failed: (_target, _record, tag, error) => fail(tag, 'transform', error),
  });
  const sinks: CaseOutcome['sinks'] = {};
  for (const [name, list] of p.collected) {
    sinks[name] = list.map((r) => ({ value: plain(r.value), key: r.key, headers: { ...r.headers } }));
  }
  deadLetter.sort((a, b) => a.input - b.input);
  return { sinks, deadLetter };
}

/** Bytes values compare as text; the rest as JSON would carry them. */
function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** The actual outcome shaped like the expectation (only the fields and sinks it names). */
export function comparable(c: TestCase, actual: CaseOutcome): { expected: unknown; actual: unknown } {
  const exp = c.expect;
  const sinksActual: Record<string, unknown[]> = {};
  const sinksExpected: Record<string, unknown[]> = {};
  for (const [name, records] of Object.entries(exp.sinks)) {
    sinksExpected[name] = records.map((r) => ({ ...r, value: r.value ?? null }));
    const got = actual.sinks[name];
    sinksActual[name] =
      got === undefined
        ? ['(no sink of this name in the pipeline)']
        : got.map((g, i) => {
            const want = records[i];
            return {
              value: g.value,
              ...(want?.key !== undefined ? { key: g.key } : {}),
              ...(want?.headers !== undefined ? { headers: g.headers } : {}),
            };
          });
  }
  const dlExpected = exp.deadLetter.map((d) => ({ ...d }));
  const dlActual = actual.deadLetter.map((d, i) => {
    const want = exp.deadLetter[i];
    return {
      ...(want?.input !== undefined ? { input: d.input } : {}),
      stage: d.stage,
      ...(want?.code !== undefined ? { code: d.code } : {}),
    };
  });
  return {
    expected: { sinks: sinksExpected, deadLetter: dlExpected },
    actual: { sinks: sinksActual, deadLetter: dlActual },
  };
}

export function passes(shaped: { expected: unknown; actual: unknown }): boolean {
  return isDeepStrictEqual(shaped.expected, shaped.actual);
}
