/**
 * The words of an audit: what a finding is about (category), whose it is (provider), where it
 * could move (target), how bad it is (severity) and what kind of file it was found in.
 */

/** The six provider dependencies Kubernetes does not abstract (ARCHITECTURE.md), plus provider APIs in code. */
export const CATEGORIES = [
  'dns-lb',
  'persistence',
  'encryption',
  'identity',
  'cluster-state',
  'network',
  'provider-api',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const TARGETS = ['aws', 'azure', 'gcp', 'baremetal'] as const;

/** Days available when no budget is given: the 30 days of the requirement the project grew from. */
export const DEFAULT_BUDGET_DAYS = 30;
export type Target = (typeof TARGETS)[number];

/** `generic` couplings tie the platform to a component (e.g. a retired ingress controller), not to a cloud. */
export const PROVIDERS = [...TARGETS, 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Ordered from least to most severe; `--fail-on` compares by this order. */
export const SEVERITIES = ['info', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export const FILE_KINDS = [
  'kubernetes',
  'kustomize',
  'helm',
  'terraform',
  'ansible',
  'dockerfile',
  'dependencies',
  'source',
  'shell',
  'grafana',
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** One coupling found in one place. */
export interface Finding {
  readonly rule: string;
  readonly title: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly provider: Provider;
  /** As given on the command line joined with the path below it, with `/` separators. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly kind: FileKind;
  /** The text that matched, trimmed (at most 200 characters). */
  readonly evidence: string;
  /** Why this ties the platform to the provider. */
  readonly message: string;
  /** The neutral alternative: how platform.yaml says it. */
  readonly suggestion: string;
  /** Person-days to move this to the verdict's target (repeats of a rule cost less, see effort.ts). */
  readonly effortDays: number;
}
