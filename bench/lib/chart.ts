/** A small horizontal bar chart of ratios, each with its goal marked: plain SVG, no dependencies. */

export interface Bar {
  readonly label: string;
  readonly value: number | null;
  /** The goal: a tick on the bar's track; `lowerIsBetter` colours accordingly. */
  readonly goal?: number;
  readonly lowerIsBetter?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ratioChart(title: string, bars: readonly Bar[]): string {
  const rowH = 28;
  const labelW = 210;
  const trackW = 380;
  const top = 40;
  const height = top + bars.length * rowH + 30;
  const width = labelW + trackW + 80;
  const max = Math.max(2, ...bars.map((b) => (b.value ?? 0) * 1.1), ...bars.map((b) => (b.goal ?? 0) * 1.1));
  const x = (v: number) => labelW + (Math.min(v, max) / max) * trackW;
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const met =
      b.value === null || b.goal === undefined
        ? undefined
        : b.lowerIsBetter
          ? b.value <= b.goal
          : b.value >= b.goal;
    const colour = met === undefined ? '#9e9e9e' : met ? '#2e7d32' : '#c62828';
    const bar =
      b.value === null
        ? `<text x="${labelW + 4}" y="${y + 17}" font-size="12" fill="#757575">not measured</text>`
        : `<rect x="${labelW}" y="${y + 5}" width="${Math.max(1, x(b.value) - labelW).toFixed(1)}" height="${rowH - 10}" fill="${colour}"/>` +
          `<text x="${(x(b.value) + 4).toFixed(1)}" y="${y + 18}" font-size="12">${b.value.toFixed(2)}×</text>`;
    const goal =
      b.goal === undefined
        ? ''
        : `<line x1="${x(b.goal).toFixed(1)}" x2="${x(b.goal).toFixed(1)}" y1="${y + 2}" y2="${y + rowH - 2}" stroke="#000" stroke-dasharray="3,2"/>`;
    return `<text x="${labelW - 8}" y="${y + 18}" font-size="12" text-anchor="end">${esc(b.label)}</text>${bar}${goal}`;
  });
  const one = `<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="${top - 6}" y2="${top + bars.length * rowH}" stroke="#bdbdbd"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" font-size="14" font-weight="bold">${esc(title)}</text>
${one}
${rows.join('\n')}
<text x="10" y="${height - 10}" font-size="11" fill="#616161">dashed tick = goal; green = goal met, red = missed; grey line = 1.0×</text>
</svg>
`;
}
