/**
 * Scores the audit against labelled platforms (test/fixtures/audit-eval/): each platform folder
 * holds the files of a platform and a `labels.tsv` written by reading them. A finding is right
 * when a label has its file, category and provider and a line at most LINE_TOLERANCE away; a label
 * is found when some finding is right for it. Findings on the same file, line, category and
 * provider count once (two rules saying the same thing are one answer).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetRegistry } from '../../platform/targets/descriptor.ts';
import { runAudit } from '../audit.ts';
import type { CompiledRule } from '../catalogue.ts';
import { CATEGORIES, type Category, type Finding, type Provider, providersOf } from '../model.ts';

const LINE_TOLERANCE = 3;

export interface Label {
  readonly platform: string;
  readonly file: string;
  readonly line: number;
  readonly category: Category;
  readonly provider: Provider;
  /** The kind of coupling, for the per-kind misses (cluster, encryption, values, ...). */
  readonly kind: string;
}

/** What the evaluation compares: a finding reduced to where and what. */
export interface Answer {
  readonly platform: string;
  readonly file: string;
  readonly line: number;
  readonly category: Category;
  readonly provider: Provider;
  readonly rule: string;
  readonly evidence: string;
}

export interface Evaluation {
  readonly recall: number;
  readonly precision: number;
  readonly files: number;
  readonly labels: number;
  readonly answers: number;
  readonly missed: readonly Label[];
  readonly wrong: readonly Answer[];
  /** kind → [missed, labelled]. */
  readonly byKind: Readonly<Record<string, readonly [number, number]>>;
}

export function parseLabels(
  text: string,
  platform: string,
  targets: TargetRegistry,
  source = 'labels.tsv',
): Label[] {
  const providers = providersOf(targets);
  const labels: Label[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line === '' || i === 0) return; // the header
    const [file, at, category, provider, kind] = line.split('\t');
    const where = `${source}:${i + 1}`;
    if (file === undefined || at === undefined || kind === undefined)
      throw new Error(`${where}: expected 5 tab-separated columns`);
    if (!(CATEGORIES as readonly string[]).includes(category ?? ''))
      throw new Error(`${where}: unknown category ${category}`);
    if (!providers.includes(provider ?? '')) throw new Error(`${where}: unknown provider ${provider}`);
    const n = Number(at);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${where}: bad line ${at}`);
    labels.push({
      platform,
      file,
      line: n,
      category: category as Category,
      provider: provider as Provider,
      kind,
    });
  });
  return labels;
}

function agrees(label: Label, answer: Answer): boolean {
  return (
    label.platform === answer.platform &&
    label.file === answer.file &&
    label.category === answer.category &&
    label.provider === answer.provider &&
    Math.abs(label.line - answer.line) <= LINE_TOLERANCE
  );
}

/** Pure scoring: labels and answers in, recall, precision and the misses out. */
export function score(labels: readonly Label[], answers: readonly Answer[], files: number): Evaluation {
  const unique = new Map<string, Answer>();
  for (const a of answers) {
    const key = `${a.platform}\0${a.file}\0${a.line}\0${a.category}\0${a.provider}`;
    if (!unique.has(key)) unique.set(key, a);
  }
  const distinct = [...unique.values()];
  const missed = labels.filter((l) => !distinct.some((a) => agrees(l, a)));
  const wrong = distinct.filter((a) => !labels.some((l) => agrees(l, a)));
  const byKind: Record<string, [number, number]> = {};
  for (const l of labels) {
    const entry = byKind[l.kind] ?? [0, 0];
    byKind[l.kind] = entry;
    entry[1]++;
    if (missed.includes(l)) entry[0]++;
  }
  return {
    recall: labels.length === 0 ? 1 : (labels.length - missed.length) / labels.length,
    precision: distinct.length === 0 ? 1 : (distinct.length - wrong.length) / distinct.length,
    files,
    labels: labels.length,
    answers: distinct.length,
    missed,
    wrong,
    byKind,
  };
}

/** Audits every platform folder of `dir` (each with a labels.tsv) and scores the findings. */
export function evaluateDir(
  dir: string,
  targets: TargetRegistry,
  rules?: readonly CompiledRule[],
): Evaluation {
  const labels: Label[] = [];
  const answers: Answer[] = [];
  let files = 0;
  for (const platform of readdirSync(dir).sort()) {
    const root = join(dir, platform);
    if (!statSync(root).isDirectory()) continue;
    const labelFile = join(root, 'labels.tsv');
    labels.push(...parseLabels(readFileSync(labelFile, 'utf8'), platform, targets, labelFile));
    const report = runAudit({ paths: [root], targets, ...(rules === undefined ? {} : { rules }) });
    files += report.summary.filesScanned;
    answers.push(...report.findings.map((f) => toAnswer(f, root, platform)));
  }
  return score(labels, answers, files);
}

function toAnswer(f: Finding, root: string, platform: string): Answer {
  const file = f.file.startsWith(`${root}/`) ? f.file.slice(root.length + 1) : f.file;
  return {
    platform,
    file,
    line: f.line,
    category: f.category,
    provider: f.provider,
    rule: f.rule,
    evidence: f.evidence,
  };
}

/** The one-line summary `npm run audit:eval` prints (and the issue quotes). */
export function summaryLine(e: Evaluation): string {
  return `audit-eval: recall=${e.recall.toFixed(3)} precision=${e.precision.toFixed(3)} files=${e.files} labels=${e.labels}`;
}
