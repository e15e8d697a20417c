/**
 * The words of an audit: what a finding is about (category), whose it is (provider), where it
 * could move (target), how bad it is (severity) and what kind of file it was found in.
 */

import { CATEGORIES as PLATFORM_CATEGORIES } from '../platform/categories.ts';

/**
 * The six provider dependencies Kubernetes does not abstract, in the platform's words
 * (src/platform/categories.ts), plus provider APIs called from code, which only the audit sees.
 */
export const CATEGORIES = [...PLATFORM_CATEGORIES, 'provider-api'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Days available when no budget is given: the 30 days of the requirement the project grew from. */
export const DEFAULT_BUDGET_DAYS = 30;
/** A target's name (the registry says which exist). */
export type Target = string;

/** `generic` couplings tie the platform to a component (e.g. a retired ingress controller), not to a cloud. */
export const GENERIC_PROVIDER = 'generic';
/** A target's name or `generic`. */
export type Provider = string;

/** The providers a rule may name: every registered target, then `generic`. */
export function providersOf(targets: { readonly names: readonly string[] }): string[] {
  return [...targets.names, GENERIC_PROVIDER];
}

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
  'pipeline',
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
