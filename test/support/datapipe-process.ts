// Running the `datapipe` CLI as a child process, the way the integration tests drive it: one run that may be
// killed mid-way (kill -9 of its whole process group, a crash rather than a shutdown), or one bounded run
// whose `--output json` summary is read from stdout. Also stops and starts the shared services, and
// restarts one under a write.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { RetryableError } from '../../src/core/errors.ts';
import { RetryPolicy, retrying } from '../../src/runtime/retry.ts';

const execFileAsync = promisify(execFile);

/** The repository root (the tests' default working directory). */
export const repoRoot: string = join(import.meta.dirname, '../..');
/** The CLI entry point, run with the Node that runs the tests (`process.execPath`). */
export const datapipeBin: string = join(repoRoot, 'bin/datapipe.js');

export interface DatapipeRunOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Added to `process.env`. */
  env?: Record<string, string>;
  /** Polled every 20 ms while the run lasts; when it returns true the run's process group gets SIGKILL. */
  killWhen?: () => Promise<boolean>;
}

export interface DatapipeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

/**
 * Runs `datapipe run <file>` as a child in its own process group. With `killWhen`, SIGKILLs the whole
 * group as soon as it returns true: a crash, not a shutdown. Resolves when the child has exited.
 */
export async function runDatapipe(file: string, options: DatapipeRunOptions = {}): Promise<DatapipeExit> {
  const child = spawn(process.execPath, [datapipeBin, 'run', file], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  if (options.killWhen) {
    while (!done) {
      if (await options.killWhen()) {
        process.kill(-(child.pid as number), 'SIGKILL');
        break;
      }
      await sleep(20);
    }
  }
  return { ...(await exited), output };
}

/**
 * A crash in the middle of a run: runs pipeline `file` in `cwd` and kills it (kill -9 of its process
 * group) once `committed()` reaches `after`; asserts that the kill came before the run ended and before
 * `total` was committed, and returns what was committed at the crash.
 */
export async function crashMidway(
  file: string,
  o: { cwd: string; committed: () => Promise<number>; after: number; total: number },
): Promise<number> {
  const first = await runDatapipe(file, {
    cwd: o.cwd,
    env: { DATAPIPE_LOG_FORMAT: 'json' },
    killWhen: async () => (await o.committed()) >= o.after,
  });
  assert.equal(first.signal, 'SIGKILL', `the first run ended before it could be killed:\n${first.output}`);
  const committedAtCrash = await o.committed();
  assert.ok(committedAtCrash < o.total, `killed in the middle (committed ${committedAtCrash})`);
  return committedAtCrash;
}

/** Writes `count` JSON lines, line i being `value(i)`, to `path`, streamed (a large fixture stays out of memory). */
export async function writeJsonLines(
  path: string,
  count: number,
  value: (i: number) => unknown,
): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${JSON.stringify(value(i))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * The line the file source of pipeline `pipeline` (run in `dir`, reading `<topic>.jsonl`) has committed:
 * its checkpoint in the default state folder, 0 before the first commit.
 */
export async function fileSourceCommitted(dir: string, pipeline: string, topic = 'orders'): Promise<number> {
  try {
    const file = join(dir, '.datapipe', pipeline, `file-${topic}.checkpoint.json`);
    return JSON.parse(await readFile(file, 'utf8')).line;
  } catch {
    return 0;
  }
}

/**
 * Runs `datapipe run <file> --output json [...args]` to its end (JSON logs on stderr) and returns the
 * summary it prints on stdout. Rejects when the run exits non-zero.
 */
export async function runDatapipeSummary(
  file: string,
  options: { cwd?: string; args?: string[]; env?: Record<string, string>; deadlineMs?: number } = {},
): Promise<Record<string, unknown>> {
  // Below the suite's 5-minute per-test limit, so a run stuck retrying a sink fails with its own log
  // rather than as a silent test timeout.
  const deadlineMs = options.deadlineMs ?? 240_000;
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      [datapipeBin, 'run', file, '--output', 'json', ...(options.args ?? [])],
      {
        cwd: options.cwd ?? process.cwd(),
        env: { ...process.env, ...options.env, DATAPIPE_LOG_FORMAT: 'json' },
        maxBuffer: 16 * 1024 * 1024,
        timeout: deadlineMs,
        killSignal: 'SIGKILL',
      },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch (err) {
    const e = err as { killed?: boolean; stderr?: string };
    if (!e.killed) throw err;
    const lastLines = (e.stderr ?? '').trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(
      `datapipe run ${file} did not end within ${deadlineMs / 1000} s; its last log lines:\n${lastLines}`,
    );
  }
}

/** Stops or starts one of the shared services through the services script (docs/services.md). */
export async function service(command: 'up' | 'down', name: string): Promise<void> {
  await execFileAsync('npm', ['run', '--silent', `services:${command}`, '--', name], { cwd: repoRoot });
}

/**
 * A server restart under a sink's write: stops service `name`, asserts that `write` fails with a
 * RetryableError while it is down, then retries `write`, bringing the service back up before the second
 * attempt, until it succeeds (asserting it took at least two). The service is up again afterwards even
 * when an assertion failed.
 */
export async function writeAcrossRestart(name: string, write: () => Promise<unknown>): Promise<void> {
  await service('down', name);
  let restarted = false;
  try {
    const down = await write().catch((e: unknown) => e);
    assert.ok(down instanceof RetryableError, `expected RetryableError, got ${String(down)}`);
    const policy = new RetryPolicy({ maxAttempts: 0, initialBackoff: 200, maxBackoff: 1000 });
    let attempts = 0;
    await retrying(async (attempt) => {
      attempts = attempt;
      if (attempt === 2) {
        await service('up', name);
        restarted = true;
      }
      return write();
    }, policy);
    assert.ok(attempts >= 2);
  } finally {
    if (!restarted) await service('up', name);
  }
}
