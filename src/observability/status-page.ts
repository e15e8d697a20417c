/**
 * The status page served at `/` on the observability port: one self-contained HTML file (no external
 * script, style or font) that polls `/status.json` (the same figures as `datapipe top`, computed by
 * StatusHistory on the server) every second and draws them with SVG sparklines.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>datapipe status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#f7f8fa}
h1{font-size:20px;margin:0 0 4px} .muted{color:#667085}
section{background:#fff;border:1px solid #e3e6ec;border-radius:8px;padding:16px;margin:16px 0}
h2{font-size:16px;margin:0 0 8px} table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 12px 4px 0;font-variant-numeric:tabular-nums} th{color:#667085;font-weight:500}
.big{font-size:22px;font-weight:600} .cards{display:flex;gap:32px;margin-bottom:12px}
svg{vertical-align:middle} polyline{fill:none;stroke:#2563eb;stroke-width:1.5}
</style></head><body>
<h1>datapipe</h1><div class="muted" id="updated">waiting for the first figures…</div>
<div id="pipelines"></div>
<script>
const fmt = (x) => Math.round(x).toLocaleString('en-US');
function spark(values, w = 160, h = 28) {
  const v = values.map((x) => (x === null ? 0 : x));
  const max = Math.max(1e-9, ...v);
  const pts = v.map((x, i) => ((i / Math.max(1, v.length - 1)) * w).toFixed(1) + ',' + (h - 2 - (x / max) * (h - 4)).toFixed(1)).join(' ');
  return '<svg width="' + w + '" height="' + h + '" role="img"><polyline points="' + pts + '"/></svg>';
}
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]); }
function render(pipelines) {
  return pipelines.map((p) => {
    const rows = p.sinks.map((s) => {
      const lat = s.latencyMs.filter((x) => x !== null).at(-1);
      return '<tr class="sink"><td>' + esc(s.name) + '</td><td>' + fmt(s.outPerSecond.at(-1) ?? 0) + '</td><td>' + spark(s.outPerSecond) +
        '</td><td>' + (lat === undefined ? '-' : lat.toFixed(1) + ' ms') + '</td><td>' + spark(s.latencyMs) + '</td><td>' + fmt(s.retries) + '</td><td>' + fmt(s.recordsOut) + '</td></tr>';
    }).join('');
    const lag = Object.entries(p.lag).map(([tp, v]) => esc(tp) + ' ' + fmt(v)).join(' · ');
    return '<section class="pipeline" data-pipeline="' + esc(p.pipeline) + '"><h2>' + esc(p.pipeline) + '</h2>' +
      '<div class="cards"><div><div class="muted">records in / s</div><div class="big" id="in">' + fmt(p.inPerSecond.at(-1) ?? 0) + '</div>' + spark(p.inPerSecond) + '</div>' +
      '<div><div class="muted">records in</div><div class="big">' + fmt(p.recordsIn) + '</div></div>' +
      '<div><div class="muted">dead-lettered</div><div class="big" id="dead">' + fmt(p.deadLettered) + '</div></div>' +
      (lag ? '<div><div class="muted">consumer lag</div><div>' + lag + '</div>' + spark(p.totalLag) + '</div>' : '') + '</div>' +
      '<table><tr><th>sink</th><th>out / s</th><th>trend</th><th>batch latency</th><th>trend</th><th>retries</th><th>written</th></tr>' + rows + '</table></section>';
  }).join('');
}
async function tick() {
  try {
    const res = await fetch('status.json', { cache: 'no-store' });
    const pipelines = await res.json();
    document.getElementById('pipelines').innerHTML = render(pipelines);
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString() + ' · every second';
  } catch (err) {
    document.getElementById('updated').textContent = 'cannot reach the pipeline: ' + err;
  }
}
tick();
setInterval(tick, 1000);
</script></body></html>
`;
