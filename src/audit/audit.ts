/**
 * An audit: list the files, classify each, run the catalogue's rules on it, price the findings
 * for the target and say whether the move fits the budget.
 */
import { readFileSync } from 'node:fs';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { type CompiledRule, loadCatalogue } from './catalogue.ts';
import { effortByTarget, effortPerMatch, round } from './effort.ts';
import { classifyFile } from './file-kind.ts';
import { matchFile, type RuleMatch, resolveReferences } from './match-file.ts';
import {
  CATEGORIES,
  type Category,
  DEFAULT_BUDGET_DAYS,
  FILE_KINDS,
  type FileKind,
  type Finding,
  type Provider,
  providersOf,
  SEVERITIES,
  type Severity,
  type Target,
} from './model.ts';
import { listAuditFiles } from './walk.ts';

/** Files larger than this are not read: generated bundles and data, not configuration. */
const MAX_FILE_BYTES = 1024 * 1024;

export interface AuditOptions {
  readonly paths: readonly string[];
  /** The targets a move can go to (and whose rules apply). */
  readonly targets: TargetRegistry;
  /** The target to price the move for; without it, the most expensive target is priced. */
  readonly to?: Target | undefined;
  readonly budgetDays?: number | undefined;
  readonly rules?: readonly CompiledRule[];
  readonly onProgress?: (done: number, total: number) => void;
}

interface AuditSummary {
  readonly filesScanned: number;
  readonly filesByKind: Record<FileKind, number>;
  readonly findings: number;
  readonly bySeverity: Record<Severity, number>;
  readonly byCategory: Record<Category, number>;
  readonly byProvider: Record<Provider, number>;
  /** Person-days to move to each target. */
  readonly effortDaysByTarget: Record<Target, number>;
  /** The same, split by category: what each kind of coupling costs for each target. */
  readonly effortDaysByCategory: Record<Category, Record<Target, number>>;
}

interface AuditVerdict {
  readonly target: Target;
  readonly effortDays: number;
  readonly budgetDays: number;
  readonly fits: boolean;
}

export interface AuditReport {
  readonly findings: readonly Finding[];
  readonly summary: AuditSummary;
  readonly verdict: AuditVerdict;
}

interface LocatedMatch extends RuleMatch {
  readonly file: string;
  readonly kind: FileKind;
}

export function runAudit(options: AuditOptions): AuditReport {
  const rules = options.rules ?? loadCatalogue(options.targets);
  const files = listAuditFiles(options.paths);
  const rulesByKind = new Map(FILE_KINDS.map((k) => [k, rules.filter((r) => r.kinds.has(k))]));
  const matches: LocatedMatch[] = [];
  const filesByKind = countBy(FILE_KINDS);
  let scanned = 0;
  for (const [i, file] of files.entries()) {
    options.onProgress?.(i, files.length);
    const bytes = readFileSync(file.path);
    if (bytes.length > MAX_FILE_BYTES) continue;
    const text = bytes.toString('utf8');
    const kind = classifyFile(file.path, text, file.inHelmChart);
    if (kind === undefined) continue;
    scanned++;
    filesByKind[kind]++;
    for (const m of matchFile(file.path, kind, text, rulesByKind.get(kind) ?? []))
      matches.push({ ...m, file: file.path, kind });
  }
  options.onProgress?.(files.length, files.length);
  return buildReport(resolveReferences(matches), scanned, filesByKind, options);
}

function buildReport(
  matches: readonly LocatedMatch[],
  filesScanned: number,
  filesByKind: Record<FileKind, number>,
  options: AuditOptions,
): AuditReport {
  const byTarget = effortByTarget(matches, options.targets.names);
  const target = options.to ?? mostExpensive(byTarget, options.targets.names);
  const budgetDays = options.budgetDays ?? DEFAULT_BUDGET_DAYS;
  const prices = effortPerMatch(matches, target);
  const findings: Finding[] = matches.map((m, i) => ({
    rule: m.rule.entry.id,
    title: m.rule.entry.title,
    severity: m.rule.entry.severity,
    category: m.rule.entry.category,
    provider: m.rule.entry.provider,
    file: m.file,
    line: m.line,
    kind: m.kind,
    evidence: m.evidence,
    message: m.rule.entry.message.trim(),
    suggestion: m.rule.entry.suggestion.trim(),
    effortDays: prices[i] ?? 0,
  }));
  const effortDays = byTarget[target] ?? 0;
  return {
    findings,
    summary: {
      filesScanned,
      filesByKind,
      findings: findings.length,
      bySeverity: tally(findings, (f) => f.severity, SEVERITIES),
      byCategory: tally(findings, (f) => f.category, CATEGORIES),
      byProvider: tally(findings, (f) => f.provider, providersOf(options.targets)),
      effortDaysByTarget: byTarget,
      effortDaysByCategory: effortByCategory(matches, options.targets.names),
    },
    verdict: { target, effortDays, budgetDays, fits: effortDays <= budgetDays },
  };
}

function effortByCategory(
  matches: readonly LocatedMatch[],
  names: readonly Target[],
): Record<Category, Record<Target, number>> {
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, countBy(names)])) as Record<
    Category,
    Record<Target, number>
  >;
  for (const target of names) {
    effortPerMatch(matches, target).forEach((days, i) => {
      const category = matches[i]!.rule.entry.category;
      out[category][target] = round((out[category][target] ?? 0) + days);
    });
  }
  return out;
}

function mostExpensive(byTarget: Record<Target, number>, names: readonly Target[]): Target {
  return names.reduce((worst, t) => ((byTarget[t] ?? 0) > (byTarget[worst] ?? 0) ? t : worst));
}

function countBy<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function tally<K extends string>(
  findings: readonly Finding[],
  key: (f: Finding) => K,
  keys: readonly K[],
): Record<K, number> {
  const counts = countBy(keys);
  for (const f of findings) counts[key(f)]++;
  return counts;
}
