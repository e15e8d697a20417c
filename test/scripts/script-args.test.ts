/**
 * The command line of the project's scripts (scripts/script-args.ts): `--help` and mistakes, in the
 * helper itself and in every script package.json runs with node (so a new npm script is covered).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readScriptArgs } from '../../scripts/script-args.ts';

const ROOT = join(import.meta.dirname, '../..');

const spec = {
  command: 'npm run demo --',
  summary: 'A demo.',
  options: {
    records: { type: 'string', default: '2000', value: 'N', help: 'records produced' },
    'no-latency': { type: 'boolean', default: false, help: 'skip the latency runs' },
  },
} as const;

describe('readScriptArgs', () => {
  it('reads the options, with their defaults', () => {
    const args = readScriptArgs(spec, ['--records', '5']);
    assert.equal(args.kind, 'run');
    assert.deepEqual({ ...(args.kind === 'run' ? args.values : {}) }, { records: '5', 'no-latency': false });
    const defaults = readScriptArgs(spec, []);
    assert.deepEqual(
      { ...(defaults.kind === 'run' ? defaults.values : {}) },
      { records: '2000', 'no-latency': false },
    );
  });

  it('--help lists every option with its value word and default, whatever else is on the line', () => {
    for (const argv of [['--help'], ['-h'], ['--records', '5', '--help'], ['--bogus', '--help']]) {
      assert.deepEqual(readScriptArgs(spec, argv), {
        kind: 'help',
        text: [
          'usage: npm run demo -- [options]',
          '',
          'A demo.',
          '',
          'options:',
          '  --records N   records produced [default: 2000]',
          '  --no-latency  skip the latency runs',
          '  -h, --help    print this help and exit',
          '',
        ].join('\n'),
      });
    }
  });

  it('says a mistake in one line, with the way to the help', () => {
    const hint = '(run `npm run demo -- --help` for the options)\n';
    assert.deepEqual(readScriptArgs(spec, ['--record', '5']), {
      kind: 'mistake',
      text: `npm run demo: unknown option '--record' (did you mean '--records'?)\n${hint}`,
    });
    assert.deepEqual(readScriptArgs(spec, ['--zzz']), {
      kind: 'mistake',
      text: `npm run demo: unknown option '--zzz'\n${hint}`,
    });
    assert.deepEqual(readScriptArgs(spec, ['--records']), {
      kind: 'mistake',
      text: `npm run demo: option '--records <value>' argument missing\n${hint}`,
    });
    assert.deepEqual(readScriptArgs(spec, ['records']), {
      kind: 'mistake',
      text: `npm run demo: unexpected argument 'records': it takes options only\n${hint}`,
    });
  });

  it('takes positional arguments only when the script says it does', () => {
    const withDir = { ...spec, positionals: '[DIR]' };
    const args = readScriptArgs(withDir, ['rules']);
    assert.deepEqual(args.kind === 'run' ? args.positionals : args, ['rules']);
    assert.match(
      (readScriptArgs(withDir, ['-h']) as { text: string }).text,
      /^usage: npm run demo -- \[options\] \[DIR\]\n/,
    );
  });
});

describe('every npm script run with node', () => {
  const run = promisify(execFile);
  const scripts = Object.entries(
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts,
  ).flatMap(([name, line]) => {
    const file = /^node (\S+\.ts)$/.exec(line)?.[1];
    return file ? [[name, file] as const] : [];
  });

  it('finds them', () => {
    // bench, chaos, demo:e2e, demo:portability, bench:sinks, golden:update, audit:eval, docs (package.json).
    assert.equal(scripts.length, 8, scripts.map(([name]) => name).join(', '));
  });

  const node = (file: string, arg: string) =>
    run(process.execPath, [file, arg], { cwd: ROOT, timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  for (const [name, file] of scripts) {
    it(`npm run ${name} -- --help: the options, exit 0; an unknown option: two lines, exit 2`, async () => {
      const help = await node(file, '--help');
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`^usage: npm run ${name}\\b`));
      assert.match(help.stdout, /\n {2}-h, --help +print this help and exit\n/);
      const wrong = await node(file, '--no-such-option');
      assert.equal(wrong.code, 2);
      assert.equal(
        wrong.stderr,
        `npm run ${name}: unknown option '--no-such-option'\n(run \`npm run ${name} -- --help\` for the options)\n`,
      );
      assert.equal(wrong.stdout, '');
    });
  }
});
