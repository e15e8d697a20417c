/**
 * The two charts the reports draw, as inline SVG: horizontal stacked bars with a budget line, and a
 * timeline of consecutive steps against a budget. Pure functions of numbers to markup.
 */
import { days, escapeHtml } from './html-page.ts';

export interface Segment {
  readonly value: number;
  readonly color: string;
  readonly title: string;
  /** Draw hatched (something that may not happen). */
  readonly hatched?: boolean;
}

export interface BarRow {
  readonly label: string;
  readonly segments: readonly Segment[];
  /** Text after the bar; defaults to the row's total in days. */
  readonly note?: string;
}

export interface ChartOptions {
  readonly width?: number;
  /** A vertical line (the budget), with its label. */
  readonly marker?: { readonly value: number; readonly label: string };
  readonly unit?: string;
  readonly labelWidth?: number;
}

const ROW = 30;
const BAR = 18;

/** Horizontal stacked bars, one row each, on a shared axis that always shows the marker. */
export function stackedBars(rows: readonly BarRow[], options: ChartOptions = {}): string {
  const width = options.width ?? 760;
  const labelWidth = options.labelWidth ?? 120;
  const right = 70;
  const plot = width - labelWidth - right;
  const totals = rows.map((r) => r.segments.reduce((a, s) => a + s.value, 0));
  const max = niceMax(Math.max(options.marker?.value ?? 0, ...totals, 1));
  const x = (v: number) => labelWidth + (v / max) * plot;
  const top = options.marker ? 24 : 8;
  const height = top + rows.length * ROW + 30;
  const parts: string[] = [hatchPattern()];
  parts.push(axis(max, x, top, top + rows.length * ROW, options.unit ?? 'd'));
  rows.forEach((row, i) => {
    const y = top + i * ROW + (ROW - BAR) / 2;
    parts.push(
      `<text x="${labelWidth - 10}" y="${y + BAR / 2 + 4}" text-anchor="end">${escapeHtml(row.label)}</text>`,
    );
    let at = 0;
    for (const s of row.segments) {
      if (s.value <= 0) continue;
      const w = Math.max(1, x(at + s.value) - x(at));
      const fill = s.hatched ? 'url(#hatch)' : s.color;
      parts.push(
        `<rect x="${r2(x(at))}" y="${y}" width="${r2(w)}" height="${BAR}" rx="2" fill="${fill}" stroke="${s.hatched ? s.color : 'none'}"><title>${escapeHtml(s.title)}</title></rect>`,
      );
      at += s.value;
    }
    parts.push(
      `<text x="${r2(x(at) + 6)}" y="${y + BAR / 2 + 4}" class="muted">${escapeHtml(row.note ?? `${days(totals[i]!)} ${options.unit ?? 'd'}`)}</text>`,
    );
  });
  if (options.marker)
    parts.push(markerLine(x(options.marker.value), top, top + rows.length * ROW, options.marker.label));
  return svg(width, height, parts);
}

export interface TimelineStep {
  readonly label: string;
  readonly days: number;
  readonly color: string;
  readonly hatched?: boolean;
  readonly title: string;
}

/** Steps one after the other on a day axis, each on its own row, with the budget as a line. */
export function timeline(
  steps: readonly TimelineStep[],
  budget: number,
  options: { width?: number } = {},
): string {
  const width = options.width ?? 1080;
  const labelWidth = 300;
  const right = 70;
  const plot = width - labelWidth - right;
  const total = steps.reduce((a, s) => a + s.days, 0);
  const max = niceMax(Math.max(budget, total, 1));
  const x = (v: number) => labelWidth + (v / max) * plot;
  const top = 24;
  const bottom = top + steps.length * ROW;
  const parts: string[] = [hatchPattern()];
  const inBudget = x(Math.min(budget, max));
  parts.push(
    `<rect x="${r2(x(0))}" y="${top}" width="${r2(inBudget - x(0))}" height="${bottom - top}" fill="#067647" fill-opacity="0.06"/>`,
    `<rect x="${r2(inBudget)}" y="${top}" width="${r2(x(max) - inBudget)}" height="${bottom - top}" fill="#B42318" fill-opacity="0.05"/>`,
  );
  parts.push(axis(max, x, top, bottom, 'd'));
  let at = 0;
  steps.forEach((s, i) => {
    const y = top + i * ROW + (ROW - BAR) / 2;
    parts.push(
      `<text x="${labelWidth - 10}" y="${y + BAR / 2 + 4}" text-anchor="end">${escapeHtml(s.label)}</text>`,
    );
    const w = Math.max(2, x(at + s.days) - x(at));
    parts.push(
      `<rect x="${r2(x(at))}" y="${y}" width="${r2(w)}" height="${BAR}" rx="3" fill="${s.hatched ? 'url(#hatch)' : s.color}" stroke="${s.hatched ? s.color : 'none'}"><title>${escapeHtml(s.title)}</title></rect>`,
    );
    parts.push(
      `<text x="${r2(x(at) + w + 6)}" y="${y + BAR / 2 + 4}" class="muted">${escapeHtml(`${days(s.days)} d`)}</text>`,
    );
    at += s.days;
  });
  parts.push(markerLine(x(budget), top, bottom, `budget ${days(budget)} d`));
  if (Math.abs(total - budget) > max * 0.08)
    parts.push(markerLine(x(total), top, bottom, `total ${days(total)} d`, '#1d2939'));
  return svg(width, bottom + 30, parts);
}

function svg(width: number, height: number, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${parts.join('')}</svg>`;
}

function hatchPattern(): string {
  return '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#98a2b3" stroke-width="3"/></pattern></defs>';
}

function axis(max: number, x: (v: number) => number, top: number, bottom: number, unit: string): string {
  const step = tickStep(max);
  const out: string[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) {
    out.push(
      `<line x1="${r2(x(v))}" y1="${top}" x2="${r2(x(v))}" y2="${bottom}" stroke="#e4e7ec"/>`,
      `<text x="${r2(x(v))}" y="${bottom + 16}" text-anchor="middle" class="muted">${days(v)}${v === 0 ? '' : ` ${unit}`}</text>`,
    );
  }
  return out.join('');
}

function markerLine(
  at: number,
  top: number,
  bottom: number,
  label: string,
  color = '#B42318',
  below = false,
): string {
  const y = below ? bottom - 4 : top + 10;
  return `<line x1="${r2(at)}" y1="${top - 4}" x2="${r2(at)}" y2="${bottom + 2}" stroke="${color}" stroke-width="2" stroke-dasharray="6 4"/><text x="${r2(at - 4)}" y="${y}" text-anchor="end" style="fill:${color};font-weight:600">${escapeHtml(label)}</text>`;
}

/** A round upper bound for an axis: 7 → 10, 23.7 → 25, 33 → 40. */
export function niceMax(value: number): number {
  const step = tickStep(value);
  return Math.ceil(value / step) * step;
}

function tickStep(max: number): number {
  for (const step of [0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500]) if (max / step <= 8) return step;
  return 1000;
}

function r2(n: number): number {
  return Math.round(n * 10) / 10;
}
