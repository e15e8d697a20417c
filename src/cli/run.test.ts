import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { datapipeBin as bin, runDatapipeSummary } from '../../test/support/datapipe-process.ts';
import { waitFor } from '../runtime/test-wait.ts';

const execFileAsync = promisify(execFile);
const env = { ...process.env, DATAPIPE_LOG_FORMAT: 'json' };

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-run-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pipeline(name: string, body: string, observability = '  enabled: false\n'): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `name: ${name}\n${body}observability:\n${observability}`);
  return file;
}

/** The value of a metric without labels other than `pipeline`, read from /metrics. */
async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('datapipe run', () => {
  it('runs a bounded source to its end and prints one JSON summary on stdout', async () => {
    const file = await pipeline(
      'bounded',
      `source:\n  type: generator\n  count: 300\n  partitions: 2\nsinks:\n  - type: 'null'\n    name: a\n  - type: 'null'\n    name: b\n`,
    );
    const summary = await runDatapipeSummary(file);
    assert.equal(summary.records_in, 300);
    assert.deepEqual(summary.records_out, { a: 300, b: 300 });
    assert.equal(summary.dead_lettered, 0);
  });

  it('exits 1 with a one-line message when the pipeline file is invalid', async () => {
    const file = await pipeline('broken', 'source:\n  type: generator\nsinks: []\n');
    const err = await execFileAsync(process.execPath, [bin, 'run', file], { env }).catch((e) => e);
    assert.equal(err.code, 1);
    assert.match(err.stderr, /broken\.yaml:\d+:\d+: sinks/);
  });

  it('on SIGTERM stops reading, flushes, commits and prints the summary', async () => {
    const file = await pipeline(
      'endless',
      `source:\n  type: generator\n  rate: 2000\nsinks:\n  - type: 'null'\n    name: out\n    batch:\n      linger: 1h\n`,
      '  port: 0\n  host: 127.0.0.1\n',
    );
    const child = spawn(process.execPath, [bin, 'run', file, '--output', 'json'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const running = new Promise<number>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const port = /"port":(\d+)/.exec(stderr)?.[1];
        if (port !== undefined && stderr.includes('pipeline running')) resolve(Number(port));
      });
    });
    const port = await running;
    // Some records read (the counter is published every second), none written yet: they linger.
    await waitFor(
      'records read',
      async () => (await metric(port, 'datapipe_records_in_total')) > 0,
      30_000,
      50,
    );
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout);
    assert.ok(summary.records_in > 0);
    assert.equal(summary.records_out.out, summary.records_in, 'the lingering batch was flushed');
    assert.deepEqual(
      summary.committed.map((c: { offset: number }) => c.offset),
      [summary.records_in],
    );
  });
  it('says in one line how to fix an observability port that is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const file = await pipeline(
        'port-taken',
        `source:\n  type: generator\n  count: 1\nsinks:\n  - type: 'null'\n    name: a\n`,
        `  host: 127.0.0.1\n  port: ${port}\n`,
      );
      const result = await execFileAsync(process.execPath, [bin, 'run', file], { env }).then(
        () => assert.fail('run must fail when its port is taken'),
        (err: { code: number; stderr: string }) => err,
      );
      assert.equal(result.code, 1);
      const lines = result.stderr.split('\n').filter((l) => l.startsWith('error'));
      assert.deepEqual(lines, [
        `error DP_OBSERVABILITY_PORT_IN_USE: port ${port} for /metrics is taken (another pipeline?): set observability.port to a free port, or to 0 for any free port (or run with --port 0)`,
      ]);
    } finally {
      blocker.close();
    }
  });
});
