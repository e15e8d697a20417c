/**
 * What moving costs. Each rule names person-days per target for its first occurrence; every further
 * occurrence of the same rule costs `repeatEffort` of that (the first pays for learning the new
 * provider's way; the next PVC on gp3 is a one-line change). Totals are rounded to 0.01 day.
 */
import type { CompiledRule } from './catalogue.ts';
import type { Target } from './model.ts';
import { effortFor } from './rule-schema.ts';

export interface EffortInput {
  readonly rule: CompiledRule;
}

/** Person-days of each match, in the order given, for one target. */
export function effortPerMatch(matches: readonly EffortInput[], target: Target): number[] {
  const seen = new Set<string>();
  return matches.map(({ rule }) => {
    const base = effortFor(rule.entry, target);
    const first = !seen.has(rule.entry.id);
    seen.add(rule.entry.id);
    return round(first ? base : base * rule.entry.repeatEffort);
  });
}

function totalEffort(matches: readonly EffortInput[], target: Target): number {
  return round(effortPerMatch(matches, target).reduce((a, b) => a + b, 0));
}

export function effortByTarget(
  matches: readonly EffortInput[],
  targets: readonly Target[],
): Record<Target, number> {
  return Object.fromEntries(targets.map((t) => [t, totalEffort(matches, t)]));
}

export function round(days: number): number {
  return Math.round(days * 100) / 100;
}
