/**
 * Runs the chaos harness (scripts/chaos/chaos.ts) at CI size against the real broker: two workers in one
 * group, SIGKILLs, a broker restart and a locked sink while records flow. It must report nothing lost,
 * nothing duplicated and exactly the poison records dead-lettered. It restarts the broker, so it must
 * not run concurrently with other Kafka tests (node --test runs files one at a time on 2 cores).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, tempDir } from './support.ts';

const RECORDS = Number(process.env['DATAPIPE_CHAOS_RECORDS'] ?? 20_000);

describe('chaos', () => {
  it(`loses and duplicates nothing under faults (${RECORDS} records)`, { timeout: 900_000 }, async () => {
    const results = join(tempDir('chaos'), 'chaos.json');
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(repoRoot, 'scripts/chaos/chaos.ts'), '--records', String(RECORDS), '--results', results],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.once('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const poison = Math.max(5, Math.round(RECORDS / 1000));
    const line = stdout.trim().split('\n').at(-1) ?? '';
    assert.match(
      line,
      new RegExp(
        `^chaos: produced=${RECORDS} delivered=${RECORDS} lost=0 duplicates=0 dead_lettered=${poison} faults=\\d+ rewrites=\\d+$`,
      ),
      `${line}\n${stderr}`,
    );
    assert.equal(code, 0, stderr);
    const json = JSON.parse(readFileSync(results, 'utf8')) as { faults: number; crashes: string[] };
    assert.ok(json.faults >= 4, 'kills, a broker restart and a sink outage were injected');
    assert.deepEqual(json.crashes, [], 'no worker died by itself');
  });
});
