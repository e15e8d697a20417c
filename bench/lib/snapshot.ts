/**
 * A bench run measures one version of datapipe: the working tree (bin/, src/, package.json) is copied
 * once at the start, and every `datapipe run` of the run starts from that copy. Edits made in the tree
 * during a run (others keep working) cannot change what is measured half-way, and a copy that does not
 * even load (an edit caught mid-way) is retried for a while before giving up.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './machine.ts';

let root = REPO_ROOT;

/** Where `bin/datapipe.js` of the measured version lives. */
export function datapipeRoot(): string {
  return root;
}

export async function snapshotDatapipe(
  dir: string,
  timeoutMs = 180_000,
): Promise<{ root: string; commit: string }> {
  const deadline = Date.now() + timeoutMs;
  const commit = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
  }).stdout.trim();
  for (let attempt = 1; ; attempt++) {
    const target = join(dir, `datapipe-${attempt}`);
    mkdirSync(target, { recursive: true });
    for (const part of ['bin', 'src', 'package.json'])
      cpSync(join(REPO_ROOT, part), join(target, part), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(target, 'node_modules'));
    // `datapipe run` on a small bounded pipeline must work end to end, not only load
    const pipeline = join(target, 'check.yaml');
    writeFileSync(
      pipeline,
      `name: bench-check\nsource: {type: generator, count: 1000}\nsinks: [{name: out, type: "null"}]\nobservability: {enabled: false, logLevel: warn}\nstateDir: ${join(target, 'check-state')}\n`,
    );
    const check = spawnSync(
      join(REPO_ROOT, 'node_modules/.bin/node'),
      [join(target, 'bin/datapipe.js'), 'run', pipeline],
      {
        encoding: 'utf8',
        timeout: 60_000,
        killSignal: 'SIGKILL',
      },
    );
    if (check.status === 0) {
      root = target;
      return { root: target, commit: `${commit}+working-tree` };
    }
    rmSync(target, { recursive: true, force: true });
    if (Date.now() > deadline) {
      throw new Error(
        `datapipe in the working tree does not load: ${check.stderr.split('\n').slice(0, 6).join('\n')}`,
      );
    }
    console.error(
      `  datapipe does not load yet (an edit in progress?), retrying in 15 s: ${check.stderr.split('\n')[0]}`,
    );
    await sleep(15_000);
  }
}
