/** `datapipe test`: finds the `*.test.yaml` files, runs every case, and reports per case. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadBindingsFile } from '../config/bindings.ts';
import { loadPipelineFile } from '../config/pipeline.ts';
import type { PipelinePlugins } from '../core/plugin.ts';
import { lineDiff } from './line-diff.ts';
import { comparable, compilePipeline, passes, runCase } from './run-case.ts';
import { loadTestFile } from './test-file.ts';

export interface CaseResult {
  readonly name: string;
  readonly passed: boolean;
  /** On a failure: the diff, `-` expected, `+` actual. */
  readonly diff?: string[];
}

export interface FileResult {
  readonly file: string;
  readonly pipeline: string;
  readonly cases: CaseResult[];
}

export interface TestRun {
  readonly files: FileResult[];
  readonly passed: number;
  readonly failed: number;
}

/** The given files, and the `*.test.yaml` files under given folders (the current folder by default). */
export function findTestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.test\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  for (const p of paths.length > 0 ? paths : ['.']) {
    if (statSync(p).isDirectory()) walk(p);
    else out.push(p);
  }
  return out.sort();
}

/**
 * `${...}` references in a pipeline under test resolve from the test file's `env`, then the environment,
 * else to a placeholder: nothing is connected, so connection strings only need to be there.
 */
function testEnv(values: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return new Proxy(
    {},
    {
      get: (_t, name) =>
        typeof name === 'string' ? (values[name] ?? process.env[name] ?? `datapipe-test-${name}`) : undefined,
    },
  );
}

export interface TestRunOptions {
  /** Bindings for test files that name none of their own (`datapipe test --bindings FILE`). */
  readonly bindings?: string;
}

export async function runTestFiles(
  files: readonly string[],
  plugins: PipelinePlugins,
  options: TestRunOptions = {},
): Promise<TestRun> {
  const results: FileResult[] = [];
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const { loaded, pipelineFile, bindingsFile } = loadTestFile(file);
    const env = testEnv(loaded.config.env);
    const bindingsPath = bindingsFile ?? options.bindings;
    const bindings = bindingsPath === undefined ? undefined : loadBindingsFile(bindingsPath, plugins, env);
    const pipeline = await compilePipeline(
      loadPipelineFile(pipelineFile, plugins, env, bindings),
      plugins.transforms,
    );
    const cases: CaseResult[] = [];
    for (const c of loaded.config.cases) {
      const shaped = comparable(c, await runCase(pipeline, c));
      if (passes(shaped)) {
        passed++;
        cases.push({ name: c.name, passed: true });
      } else {
        failed++;
        const diff = lineDiff(
          JSON.stringify(shaped.expected, null, 2),
          JSON.stringify(shaped.actual, null, 2),
        );
        cases.push({ name: c.name, passed: false, diff });
      }
    }
    results.push({
      file: relative(process.cwd(), file),
      pipeline: relative(process.cwd(), pipelineFile),
      cases,
    });
  }
  return { files: results, passed, failed };
}

export function formatTestRun(run: TestRun): string {
  const lines: string[] = [];
  for (const f of run.files) {
    for (const c of f.cases) {
      lines.push(`${c.passed ? 'PASS' : 'FAIL'} ${f.file}: ${c.name}`);
      if (c.diff) {
        lines.push('     (- expected, + actual)');
        for (const d of c.diff) lines.push(`     ${d}`);
      }
    }
  }
  lines.push(`datapipe test: ${run.passed} passed, ${run.failed} failed`);
  return `${lines.join('\n')}\n`;
}
