/**
 * The report as one self-contained HTML page: the verdict, the effort of each target split by
 * category against the budget, the findings by severity, and every finding with its file:line and
 * the rule's advice.
 */
import {
  badge,
  card,
  days,
  escapeHtml,
  htmlPage,
  inlineCode,
  legend,
  PALETTE,
  SEVERITY_COLORS,
} from '../../report/html-page.ts';
import { stackedBars } from '../../report/svg-charts.ts';
import type { AuditReport } from '../audit.ts';
import { CATEGORIES, type Finding, SEVERITIES } from '../model.ts';

export function formatHtml(report: AuditReport): string {
  const { summary: s, verdict: v } = report;
  const root = commonDir(report.findings.map((f) => f.file));
  // Every registered target, in the registry's order (the report names each).
  const targets = Object.keys(s.effortDaysByTarget);
  const categoryColor = (c: string) =>
    PALETTE[CATEGORIES.indexOf(c as (typeof CATEGORIES)[number])] ?? '#667085';
  const effortChart = stackedBars(
    targets.map((t) => ({
      label: t === v.target ? `${t} (priced)` : t,
      segments: CATEGORIES.map((c) => ({
        value: s.effortDaysByCategory[c][t] ?? 0,
        color: categoryColor(c),
        title: `${t}, ${c}: ${days(s.effortDaysByCategory[c][t] ?? 0)} person-days`,
      })),
      note: `${days(s.effortDaysByTarget[t] ?? 0)} d`,
    })),
    { marker: { value: v.budgetDays, label: `budget ${days(v.budgetDays)} d` }, labelWidth: 130 },
  );
  const severities = [...SEVERITIES].reverse();
  const severityChart = stackedBars(
    severities.map((sev) => ({
      label: sev,
      segments: [
        { value: s.bySeverity[sev], color: SEVERITY_COLORS[sev]!, title: `${s.bySeverity[sev]} ${sev}` },
      ],
      note: String(s.bySeverity[sev]),
    })),
    { width: 360, labelWidth: 70, unit: '' },
  );
  const body = [
    `<h1>Portability audit</h1>`,
    `<p class="sub">${s.findings} findings in ${s.filesScanned} files${root ? ` below <code>${escapeHtml(root)}</code>` : ''} · priced for a move to <b>${escapeHtml(v.target)}</b> against a budget of ${days(v.budgetDays)} person-days</p>`,
    `<div class="cards">`,
    card(
      `move to ${v.target}`,
      v.fits ? 'fits the budget' : 'over budget',
      `${days(v.effortDays)} of ${days(v.budgetDays)} person-days`,
      v.fits ? 'ok' : 'bad',
    ),
    card('findings', String(s.findings), severities.map((sev) => `${s.bySeverity[sev]} ${sev}`).join(' · ')),
    card('files scanned', String(s.filesScanned), kinds(s.filesByKind)),
    card(
      'cheapest target',
      cheapest(s.effortDaysByTarget),
      `${days(Math.min(...targets.map((t) => s.effortDaysByTarget[t] ?? 0)))} person-days`,
    ),
    `</div>`,
    `<div class="grid2">`,
    `<section><h2>Effort per target, by category</h2>${effortChart}${legend(CATEGORIES.map((c) => ({ label: c, color: categoryColor(c) })))}</section>`,
    `<section><h2>Findings by severity</h2>${severityChart}</section>`,
    `</div>`,
    `<section><h2>Findings</h2>${severities
      .map((sev) =>
        findingTable(
          report.findings.filter((f) => f.severity === sev),
          sev,
          root,
        ),
      )
      .join('')}</section>`,
  ].join('\n');
  return htmlPage({ title: `Portability audit: move to ${v.target}`, body });
}

function findingTable(findings: readonly Finding[], severity: string, root: string): string {
  if (findings.length === 0) return '';
  const rows = findings.map(
    (f) =>
      `<tr><td class="where"><code>${escapeHtml(`${f.file.slice(root.length)}:${f.line}`)}</code></td><td><b>${escapeHtml(f.title)}</b><br><code>${escapeHtml(f.evidence)}</code><br><span class="sub">${escapeHtml(f.rule)} · ${escapeHtml(f.category)} · ${escapeHtml(f.provider)}</span></td><td class="advice">${inlineCode(f.suggestion)}</td><td class="num">${days(f.effortDays)}</td></tr>`,
  );
  return `<h3>${badge(severity, SEVERITY_COLORS[severity]!)} ${findings.length} finding${findings.length === 1 ? '' : 's'}</h3><table><thead><tr><th>where</th><th>finding</th><th>advice</th><th class="num">days</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The folder every finding is below (with its trailing `/`), so rows show short paths. */
function commonDir(files: readonly string[]): string {
  if (files.length === 0) return '';
  let prefix = files[0]!.slice(0, files[0]!.lastIndexOf('/') + 1);
  for (const f of files) {
    while (prefix && !f.startsWith(prefix))
      prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
  }
  return prefix;
}

function kinds(byKind: Readonly<Record<string, number>>): string {
  return Object.entries(byKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(' · ');
}

function cheapest(byTarget: Readonly<Record<string, number>>): string {
  const targets = Object.keys(byTarget);
  return targets.reduce(
    (best, t) => ((byTarget[t] ?? 0) < (byTarget[best] ?? 0) ? t : best),
    targets[0] ?? '',
  );
}
