/** The report for a person at a terminal: one line per finding, then totals and the verdict. */
import type { AuditReport } from '../audit.ts';

export function formatTable(report: AuditReport, color = false): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const rows = report.findings.map((f) => [
    f.severity.toUpperCase(),
    f.rule,
    `${f.file}:${f.line}`,
    f.category,
    f.provider,
    f.effortDays.toFixed(2),
    f.title,
  ]);
  const header = ['SEVERITY', 'RULE', 'LOCATION', 'CATEGORY', 'PROVIDER', 'DAYS', 'FINDING'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (rows.length > 0) {
    out.push(paint('1', line(header)));
    for (const r of rows) out.push(line(r));
    out.push('');
  }
  const { summary: s, verdict: v } = report;
  out.push(`${s.findings} finding(s) in ${s.filesScanned} file(s) scanned.`);
  out.push(
    `Effort to move, in person-days: ${Object.entries(s.effortDaysByTarget)
      .map(([t, days]) => `${t} ${days}`)
      .join(', ')}.`,
  );
  const answer = v.fits
    ? paint('32', `fits: ${v.effortDays} of ${v.budgetDays} days`)
    : paint('31', `over budget: ${v.effortDays} days needed, ${v.budgetDays} available`);
  out.push(`Move to ${v.target}: ${answer}.`);
  return `${out.join('\n')}\n`;
}
