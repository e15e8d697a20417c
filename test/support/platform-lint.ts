// The independent linters run on every rendered target (installed by scripts/platform-lint/install.sh):
// kube-score and Checkov (frameworks kubernetes and terraform_json). Each returns its findings as
// `{tool, check, object}` so one allowlist (test/platform/lint-allowlist.json) can name them.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './services.ts';

const INSTALL = fileURLToPath(new URL('../../scripts/platform-lint/install.sh', import.meta.url));
const ALLOWLIST = fileURLToPath(new URL('../platform/lint-allowlist.json', import.meta.url));

function pinned(name: string): string {
  const m = new RegExp(`^${name}=(\\S+)$`, 'm').exec(readFileSync(INSTALL, 'utf8'));
  if (!m) throw new Error(`${INSTALL} pins no ${name}`);
  return m[1]!;
}

export const kubeScoreBin = join(
  cacheDir,
  'linters',
  `kube-score-${pinned('KUBE_SCORE_VERSION')}`,
  'kube-score',
);
export const checkovBin = join(cacheDir, 'linters', `checkov-${pinned('CHECKOV_VERSION')}`, 'bin', 'checkov');

export type Tool = 'kube-score' | 'checkov-kubernetes' | 'checkov-terraform';

export interface Finding {
  readonly tool: Tool;
  /** kube-score check id with its grade, or the Checkov check id. */
  readonly check: string;
  readonly severity: string;
  /** kube-score: `Kind/namespace/name`; Checkov: its resource id (`Kind.namespace.name` or `type.name`). */
  readonly object: string;
}

export interface LintRun {
  readonly findings: Finding[];
  /** Checks that passed (Checkov only; kube-score reports only what it grades). */
  readonly passed: number;
}

function run(bin: string, args: string[], cwd?: string): Promise<string> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run bash scripts/platform-lint/install.sh`);
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd, timeout: 600_000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      // Both tools exit 1 when they found something; their JSON on stdout says what.
      if (err && stdout.trim() === '')
        reject(new Error(`${bin} ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

interface KubeScoreObject {
  type_meta: { kind: string };
  object_meta: { name: string; namespace?: string };
  checks: { check: { id: string }; grade: number; skipped: boolean }[];
}

const GRADES: Record<number, string> = { 1: 'CRITICAL', 5: 'WARNING' };

export async function kubeScore(manifests: string): Promise<LintRun> {
  const out = JSON.parse(
    await run(kubeScoreBin, ['score', manifests, '--output-format', 'json']),
  ) as KubeScoreObject[];
  const findings: Finding[] = [];
  let passed = 0;
  for (const o of out) {
    for (const c of o.checks) {
      if (c.skipped) continue;
      const severity = GRADES[c.grade];
      if (!severity) {
        passed++;
        continue;
      }
      findings.push({
        tool: 'kube-score',
        check: c.check.id,
        severity,
        object: `${o.type_meta.kind}/${o.object_meta.namespace ?? ''}/${o.object_meta.name}`,
      });
    }
  }
  return { findings, passed };
}

interface CheckovReport {
  results: { failed_checks: { check_id: string; resource: string; severity: string | null }[] };
  summary: { passed: number; failed: number };
}

export async function checkov(framework: 'kubernetes' | 'terraform_json', path: string): Promise<LintRun> {
  const args = ['--framework', framework, '--output', 'json', '--quiet', '--compact', '--skip-download'];
  args.push(path.endsWith('.yaml') ? '--file' : '--directory', path);
  const text = await run(checkovBin, args);
  const parsed = JSON.parse(text) as CheckovReport | CheckovReport[] | { passed: number; failed: number };
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (r): r is CheckovReport => 'results' in r,
  );
  const tool: Tool = framework === 'kubernetes' ? 'checkov-kubernetes' : 'checkov-terraform';
  return {
    findings: reports.flatMap((r) =>
      r.results.failed_checks.map((f) => ({
        tool,
        check: f.check_id,
        severity: f.severity ?? 'FAILED',
        object: f.resource,
      })),
    ),
    passed: reports.reduce((n, r) => n + r.summary.passed, 0),
  };
}

export interface AllowEntry {
  readonly tool: Tool;
  readonly check: string;
  /** A regular expression on Finding.object. */
  readonly object: string;
  /** Targets it applies to; every target when absent. */
  readonly targets?: readonly string[];
  readonly reason: string;
}

export function allowlist(): AllowEntry[] {
  return JSON.parse(readFileSync(ALLOWLIST, 'utf8')) as AllowEntry[];
}

export function allowedBy(
  entries: readonly AllowEntry[],
  target: string,
  f: Finding,
): AllowEntry | undefined {
  return entries.find(
    (e) =>
      e.tool === f.tool &&
      e.check === f.check &&
      (!e.targets || e.targets.includes(target)) &&
      new RegExp(`^(?:${e.object})$`).test(f.object),
  );
}
