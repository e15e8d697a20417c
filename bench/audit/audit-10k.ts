/**
 * Benchmark: `datapipe audit` over 10,000 files (the target is under 10 s). Generates a tree in a
 * temp folder from the fixture platforms' files — Kubernetes, Helm, Terraform, Ansible, Dockerfiles,
 * dependency manifests and source — times the CLI end to end (three runs, the median counts) and
 * records the result in bench/results/audit-<date>.json, with the same audit's CPU time in-process
 * (on a shared machine the wall time also includes waiting for a core).
 *
 *   node bench/audit/audit-10k.ts [--files 10000] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseScriptArgs } from '../../scripts/script-args.ts';
import { runAudit } from '../../src/audit/audit.ts';
import { loadCatalogue } from '../../src/audit/catalogue.ts';
import { PLATFORMS_DIR } from '../../src/audit/fixture-platforms.ts';
import { platformTargets } from '../../src/cli/plugins.ts';

const { values } = parseScriptArgs({
  command: 'node bench/audit/audit-10k.ts',
  summary:
    '`datapipe audit` over a generated tree of files, timed end to end; results in bench/results/audit-<date>.json.',
  options: {
    files: { type: 'string', default: '10000', value: 'N', help: 'files in the generated tree' },
    runs: { type: 'string', default: '3', value: 'N', help: 'timed runs (the median counts)' },
  },
});
const FILES = Number(values.files);
const RUNS = Number(values.runs);
const BIN = new URL('../../bin/datapipe.js', import.meta.url).pathname;
const RESULTS = new URL('../results/', import.meta.url).pathname;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/** Copies of the fixture platforms, each in its own folder with its names varied, until FILES exist. */
function generate(root: string): number {
  const templates = listFiles(PLATFORMS_DIR).filter((f) => !f.endsWith('README.md'));
  let written = 0;
  for (let copy = 0; written < FILES; copy++) {
    for (const file of templates) {
      if (written >= FILES) break;
      const rel = relative(PLATFORMS_DIR, file);
      const target = join(root, `team-${copy}`, rel);
      mkdirSync(join(target, '..'), { recursive: true });
      const text = readFileSync(file, 'utf8').replaceAll('prod', `prod${copy}`);
      writeFileSync(target, text);
      written++;
    }
  }
  return written;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const root = mkdtempSync(join(tmpdir(), 'datapipe-audit-bench-'));
try {
  const files = generate(root);
  const bytes = listFiles(root).reduce((a, f) => a + statSync(f).size, 0);
  const args = [BIN, 'audit', root, '--to', 'azure', '--format', 'json'];
  const times: number[] = [];
  let findings = 0;
  let filesScanned = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`audit failed (${r.status}): ${r.stderr}`);
    const report = JSON.parse(r.stdout);
    findings = report.findings.length;
    filesScanned = report.summary.filesScanned;
    times.push(Math.round(ms));
  }
  // The same audit in this process, for its CPU time: on a shared machine wall time also counts
  // the waiting for a core, which the load average below shows.
  const rules = loadCatalogue(platformTargets);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  runAudit({ paths: [root], to: 'azure', rules, targets: platformTargets });
  const cpu = process.cpuUsage(cpu0);
  const inProcess = {
    wallMs: Math.round(performance.now() - wall0),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  const result = {
    benchmark: 'audit-10k',
    date: new Date().toISOString(),
    command: `node bench/audit/audit-10k.ts --files ${FILES} --runs ${RUNS}`,
    measured: `node bin/datapipe.js audit <tmp> --to azure --format json`,
    files,
    filesScanned,
    megabytes: Math.round(bytes / 1e5) / 10,
    findings,
    runsMs: times,
    medianMs: median(times),
    targetMs: 10_000,
    withinTarget: median(times) < 10_000,
    inProcess,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  };
  mkdirSync(RESULTS, { recursive: true });
  const out = join(RESULTS, `audit-${result.date.slice(0, 10)}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${relative(process.cwd(), out)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
