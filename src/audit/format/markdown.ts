/** The report as Markdown, for a pull request comment or a migration ticket. */
import type { AuditReport } from '../audit.ts';
import { CATEGORIES, type Finding } from '../model.ts';

export function formatMarkdown(report: AuditReport): string {
  const { summary: s, verdict: v } = report;
  const out: string[] = ['# Portability audit', ''];
  out.push(
    v.fits
      ? `**Move to ${v.target}: fits** — ${v.effortDays} of ${v.budgetDays} person-days.`
      : `**Move to ${v.target}: over budget** — ${v.effortDays} person-days needed, ${v.budgetDays} available.`,
  );
  out.push('', `${s.findings} finding(s) in ${s.filesScanned} file(s).`, '');
  out.push('| target | person-days |', '|---|---:|');
  for (const [target, days] of Object.entries(s.effortDaysByTarget)) out.push(`| ${target} | ${days} |`);
  for (const category of CATEGORIES) {
    const findings = report.findings.filter((f) => f.category === category);
    if (findings.length === 0) continue;
    const days = Math.round(findings.reduce((a, f) => a + f.effortDays, 0) * 100) / 100;
    out.push('', `## ${category} (${findings.length}, ${days} days)`, '');
    out.push('| severity | rule | where | finding | provider | days | neutral alternative |');
    out.push('|---|---|---|---|---|---:|---|');
    for (const f of findings) out.push(row(f));
  }
  return `${out.join('\n')}\n`;
}

function row(f: Finding): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return `| ${f.severity} | ${f.rule} | \`${cell(f.file)}:${f.line}\` | ${cell(f.title)}: \`${cell(f.evidence)}\` | ${f.provider} | ${f.effortDays} | ${cell(f.suggestion)} |`;
}
