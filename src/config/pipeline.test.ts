import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pipelinePlugins } from '../cli/plugins.ts';
import { ConfigError, ConfigErrors } from './config-error.ts';
import { loadPipelineFile } from './pipeline.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/bad-pipelines');
/** One fixture per rule across fields that a plugin's `check` holds (docs/architecture.md). */
const CROSS_FIELD = join(FIXTURES, 'cross-field');

/** Each fixture's first line says where its error must point: `# expect: LINE:COL FIELD TEXT...`. */
function expectation(file: string): { line: number; column: number; rest: string } {
  const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
  const match = /^# expect: (\d+):(\d+) (.*)$/.exec(first);
  assert.ok(match, `${file} lacks an "# expect:" line`);
  return { line: Number(match[1]), column: Number(match[2]), rest: match[3] ?? '' };
}

function firstProblem(err: unknown): ConfigError {
  if (err instanceof ConfigErrors) return err.problems[0]!;
  if (err instanceof ConfigError) return err;
  throw err;
}

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));

describe('broken pipeline configs', () => {
  const files = [...yamlFiles(FIXTURES), ...yamlFiles(CROSS_FIELD)];
  it('has fixtures to check', () => assert.ok(files.length >= 8));

  for (const file of files) {
    it(`${file.slice(FIXTURES.length + 1)}: one line naming file, line, column and field`, () => {
      const want = expectation(file);
      let problem: ConfigError | undefined;
      try {
        loadPipelineFile(file, pipelinePlugins, {});
      } catch (err) {
        problem = firstProblem(err);
      }
      assert.ok(problem, 'expected the config to be rejected');
      assert.equal(problem.location.file, file);
      assert.equal(
        `${problem.location.line}:${problem.location.column}`,
        `${want.line}:${want.column}`,
        problem.message,
      );
      const [field, ...words] = want.rest.split(' ');
      if (field && !field.includes('YAML')) assert.ok(problem.message.includes(field), problem.message);
      assert.ok(
        problem.message.includes(words.join(' ')),
        `${problem.message} should say "${words.join(' ')}"`,
      );
      assert.ok(problem.message.startsWith(`${file}:${want.line}:${want.column}: `), problem.message);
      assert.equal(problem.message.includes('\n'), false);
    });
  }
});

describe('secret references', () => {
  it('never echo the secret value in an error', () => {
    const file = join(FIXTURES, 'missing-env.yaml');
    try {
      loadPipelineFile(file, pipelinePlugins, { DATAPIPE_TEST_UNSET_TOKEN: 's3cr3t-canary' });
      assert.fail('the stdout sink has no headers field, so this must be rejected');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      assert.ok(!message.includes('s3cr3t-canary'), message);
      assert.ok(message.includes('unknown field'), message);
    }
  });
});
