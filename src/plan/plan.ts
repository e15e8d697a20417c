/**
 * `datapipe plan`: platform.yaml + from/to (+ audit findings) → an ordered, priced migration plan and
 * the answer to "can we move in N days?".
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { runAudit } from '../audit/audit.ts';
import type { Target } from '../audit/model.ts';
import type { PipelinePlugins } from '../core/plugin.ts';
import { loadPlatformFile } from '../platform/load.ts';
import { renderPlatform } from '../platform/render.ts';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { CONTINGENCY, type MigrationPlan } from './model.ts';
import { planSteps } from './steps.ts';

export interface PlanOptions {
  readonly file: string;
  /** The sources and sinks the platform's pipeline files are checked against. */
  readonly pipelines: PipelinePlugins;
  readonly from: Target;
  readonly to: Target;
  readonly budgetDays: number;
  readonly kafka?: 'mirrormaker' | 'stay';
  /** An audit JSON report, or files/folders to audit for the target. */
  readonly audit?: string | undefined;
  readonly targets: TargetRegistry;
}

class PlanInputError extends Error {
  readonly code = 'DP_PLAN_INPUT';
}

export function buildPlan(options: PlanOptions): MigrationPlan {
  const { from, to } = options;
  if (from === to) throw new PlanInputError(`--from and --to are both ${from}: nothing to move`);
  const loaded = loadPlatformFile(options.file, options.pipelines, options.targets);
  let render: { files: string[] } | { error: string };
  try {
    render = { files: [...renderPlatform(loaded, to, options.targets).files.keys()].sort() };
  } catch (err) {
    render = { error: err instanceof Error ? err.message : String(err) };
  }
  const steps = planSteps({
    file: options.file,
    config: loaded.config,
    from: options.targets.get(from),
    to: options.targets.get(to),
    kafka: options.kafka ?? 'mirrormaker',
    render,
    audit: options.audit === undefined ? undefined : auditEffort(options.audit, to, options.targets),
  });
  const stepsEffortDays = round(steps.reduce((a, s) => a + s.effortDays, 0));
  const contingencyDays = round(stepsEffortDays * CONTINGENCY);
  const effortDays = round(stepsEffortDays + contingencyDays);
  return {
    platform: loaded.config.name,
    from,
    to,
    steps,
    stepsEffortDays,
    contingencyDays,
    effortDays,
    downtimeMinutes: steps.filter((s) => !s.conditional).reduce((a, s) => a + s.downtimeMinutes, 0),
    budgetDays: options.budgetDays,
    fits: effortDays <= options.budgetDays,
    blockers: 'error' in render ? [`does not render for ${to}: ${render.error}`] : [],
  };
}

/** The audit's effort for the target: from a saved JSON report (`datapipe audit --format json`) or a fresh scan. */
function auditEffort(
  source: string,
  to: Target,
  targets: TargetRegistry,
): { source: string; effortDays: number; findings: number } {
  if (!existsSync(source)) throw new PlanInputError(`--audit ${source}: no such file or directory`);
  if (statSync(source).isFile() && source.endsWith('.json')) {
    const report = JSON.parse(readFileSync(source, 'utf8')) as {
      findings?: unknown[];
      summary?: { effortDaysByTarget?: Partial<Record<Target, number>> };
    };
    const days = report.summary?.effortDaysByTarget?.[to];
    if (!Array.isArray(report.findings) || typeof days !== 'number')
      throw new PlanInputError(`--audit ${source}: not a report of \`datapipe audit --format json\``);
    return { source, effortDays: days, findings: report.findings.length };
  }
  const report = runAudit({ paths: [source], to, targets });
  return { source, effortDays: report.verdict.effortDays, findings: report.findings.length };
}

function round(days: number): number {
  return Math.round(days * 100) / 100;
}
