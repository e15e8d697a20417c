/** The plan as Markdown: a runbook a team can check off, with the budget answer first. */
import type { MigrationPlan } from './model.ts';

export function formatPlanMarkdown(plan: MigrationPlan): string {
  const out: string[] = [`# Moving ${plan.platform} from ${plan.from} to ${plan.to}`, ''];
  out.push(
    plan.fits
      ? `**Fits the budget:** ${plan.effortDays} of ${plan.budgetDays} person-days, about ${plan.downtimeMinutes} minutes of downtime.`
      : `**Over budget:** ${plan.effortDays} person-days needed, ${plan.budgetDays} available (about ${plan.downtimeMinutes} minutes of downtime).`,
  );
  for (const b of plan.blockers) out.push('', `> **Blocked:** ${b}`);
  out.push('', '| # | step | days | downtime |', '|---:|---|---:|---:|');
  plan.steps.forEach((s, i) => {
    const downtime =
      s.downtimeMinutes === 0 ? '—' : `${s.downtimeMinutes} min${s.conditional ? ' (if needed)' : ''}`;
    out.push(`| ${i + 1} | ${s.title} | ${s.effortDays} | ${downtime} |`);
  });
  out.push(
    `| | contingency (${Math.round((plan.contingencyDays / (plan.stepsEffortDays || 1)) * 100)}%) | ${plan.contingencyDays} | |`,
  );
  out.push(`| | **total** | **${plan.effortDays}** | **${plan.downtimeMinutes} min** |`);
  plan.steps.forEach((s, i) => {
    out.push(
      '',
      `## ${i + 1}. ${s.title}`,
      '',
      `Phase \`${s.phase}\` · ${s.effortDays} person-days · downtime ${s.downtimeMinutes} min${s.conditional ? ' (only if carried out)' : ''}`,
    );
    if (s.commands.length > 0) out.push('', '```sh', ...s.commands, '```');
    if (s.manifests.length > 0) {
      const shown = s.manifests.slice(0, 12);
      out.push('', 'Uses:', ...shown.map((m) => `- \`${m}\``));
      if (s.manifests.length > shown.length) out.push(`- … and ${s.manifests.length - shown.length} more`);
    }
    for (const n of s.notes) out.push('', n);
  });
  return `${out.join('\n')}\n`;
}
