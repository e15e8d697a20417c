/**
 * The plan as one self-contained HTML page: the budget answer, the steps on a timeline against the
 * budget (one after the other, in person-days, the contingency last, the roll-back hatched because
 * it happens only if verification fails), and each step with its commands.
 */
import { badge, card, days, escapeHtml, htmlPage, legend } from '../report/html-page.ts';
import { timeline } from '../report/svg-charts.ts';
import type { MigrationPlan, PHASES } from './model.ts';

const CONTINGENCY_COLOR = '#98A2B3';
/** One colour per phase (Okabe–Ito, then two more that stay distinct); the roll-back is hatched grey. */
const PHASE_COLORS: Readonly<Record<(typeof PHASES)[number], string>> = {
  provision: '#0072B2',
  remediate: '#E69F00',
  'move-data': '#009E73',
  'move-kafka': '#CC79A7',
  'swap-identities': '#56B4E9',
  'lower-dns-ttl': '#D55E00',
  'cut-over': '#332288',
  verify: '#117733',
  'roll-back': '#667085',
};

export function formatPlanHtml(plan: MigrationPlan): string {
  const color = (phase: string) => PHASE_COLORS[phase as (typeof PHASES)[number]] ?? '#667085';
  const chart = timeline(
    [
      ...plan.steps.map((s, i) => ({
        label: `${i + 1}. ${shorten(s.title, 40)}`,
        days: s.effortDays,
        color: color(s.phase),
        hatched: s.conditional,
        title: `${s.title}: ${days(s.effortDays)} person-days${s.conditional ? ' (only if verification fails)' : ''}`,
      })),
      {
        label: 'contingency',
        days: plan.contingencyDays,
        color: CONTINGENCY_COLOR,
        title: `contingency: ${days(plan.contingencyDays)} person-days`,
      },
    ],
    plan.budgetDays,
  );
  const phases = [...new Set(plan.steps.map((s) => s.phase))];
  const rows = plan.steps.map((s, i) => {
    const downtime =
      s.downtimeMinutes === 0 ? '—' : `${s.downtimeMinutes} min${s.conditional ? ' (if needed)' : ''}`;
    const commands = s.commands.length > 0 ? `<pre>${escapeHtml(s.commands.join('\n'))}</pre>` : '';
    const notes = s.notes.map((n) => `<div class="sub">${escapeHtml(n)}</div>`).join('');
    return `<tr><td class="num">${i + 1}</td><td><b>${escapeHtml(s.title)}</b> ${badge(s.phase, color(s.phase))}${notes}${commands}</td><td class="num">${days(s.effortDays)}</td><td class="num">${escapeHtml(downtime)}</td></tr>`;
  });
  const body = [
    `<h1>Moving ${escapeHtml(plan.platform)} from ${escapeHtml(plan.from)} to ${escapeHtml(plan.to)}</h1>`,
    `<p class="sub">${plan.steps.length} steps · ${days(plan.stepsEffortDays)} person-days plus ${days(plan.contingencyDays)} contingency · budget ${days(plan.budgetDays)} person-days</p>`,
    ...plan.blockers.map((b) => `<div class="blocker"><b>Blocked:</b> ${escapeHtml(b)}</div>`),
    `<div class="cards">`,
    card(
      'budget',
      plan.fits ? 'fits' : 'over budget',
      `${days(plan.effortDays)} of ${days(plan.budgetDays)} person-days`,
      plan.fits ? 'ok' : 'bad',
    ),
    card(
      'effort',
      `${days(plan.effortDays)} d`,
      `steps ${days(plan.stepsEffortDays)} + contingency ${days(plan.contingencyDays)}`,
    ),
    card('downtime', `${plan.downtimeMinutes} min`, 'writes frozen during the cut-over'),
    card(
      'margin',
      `${days(Math.round((plan.budgetDays - plan.effortDays) * 100) / 100)} d`,
      plan.fits ? 'left in the budget' : 'missing from the budget',
      plan.fits ? 'plain' : 'bad',
    ),
    `</div>`,
    `<section><h2>Timeline against the ${days(plan.budgetDays)}-day budget</h2>${chart}${legend([
      ...phases.map((p) => ({ label: p, color: color(p) })),
      { label: 'contingency', color: CONTINGENCY_COLOR },
    ])}<p class="sub">Steps in order, in person-days of one team; hatched: only if verification fails.</p></section>`,
    `<section><h2>Steps</h2><table><thead><tr><th class="num">#</th><th>step</th><th class="num">days</th><th class="num">downtime</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`,
  ].join('\n');
  return htmlPage({ title: `Move ${plan.platform}: ${plan.from} to ${plan.to}`, body });
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
