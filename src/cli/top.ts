/**
 * `datapipe top`: a live terminal view of running pipelines (in the spirit of `vector top`), read from
 * their `/metrics`: per pipeline records/s in, dead-lettered and consumer lag per partition; per sink
 * records/s out, batch write latency and retries; each with a sparkline of the last minute.
 */
import type { Command } from 'commander';
import { type PipelineView, StatusHistory, sparkline } from '../observability/status.ts';
import { EXIT } from './output.ts';

const TREND = 30;

export function registerTop(program: Command): void {
  program
    .command('top')
    .description(
      'A live view of running pipelines from their /metrics: records/s in and out, batch latency, consumer lag, dead letters and retries, with trends. For pods behind a Kubernetes Service, port-forward each pod (kubectl port-forward pod/NAME 9464:9464) and give each local address.',
    )
    .argument('[addresses...]', "host:port or URL of each pipeline's observability port", ['127.0.0.1:9464'])
    .option('-i, --interval <seconds>', 'refresh every this many seconds', (v) => Number(v), 1)
    .action(async (addresses: string[], flags: { interval: number }) => {
      process.exitCode = await top(addresses, Math.max(0.2, flags.interval) * 1000);
    });
}

function metricsUrl(address: string): string {
  const base = /^https?:\/\//.test(address) ? address : `http://${address}`;
  return new URL('/metrics', base).toString();
}

async function top(addresses: readonly string[], intervalMs: number): Promise<number> {
  const sources = addresses.map((a) => ({
    address: a,
    url: metricsUrl(a),
    history: new StatusHistory(a, TREND),
    error: '',
  }));
  let stop = false;
  const quit = () => {
    stop = true;
  };
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('data', (d: Buffer) => {
      const key = d.toString();
      if (key === 'q' || key === '\u0003' || key === '\u001b') quit();
    });
  }
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  process.stdout.write('\u001b[?25l');
  try {
    while (!stop) {
      await Promise.all(
        sources.map(async (s) => {
          try {
            const res = await fetch(s.url, { signal: AbortSignal.timeout(2000) });
            if (!res.ok) throw new Error(`HTTP ${res.status}`);
            s.history.add(await res.text(), Date.now());
            s.error = '';
          } catch (err) {
            s.error =
              err instanceof Error
                ? err.cause instanceof Error
                  ? err.cause.message
                  : err.message
                : String(err);
          }
        }),
      );
      const lines = [
        `datapipe top: ${sources.length} address(es), every ${intervalMs / 1000}s. q to quit`,
        '',
      ];
      for (const s of sources) {
        if (s.error) lines.push(`${s.address}: unreachable (${s.error})`, '');
        for (const p of s.history.view()) lines.push(...render(p), '');
      }
      process.stdout.write(`\u001b[H\u001b[2J${lines.join('\n')}\n`);
      const until = Date.now() + intervalMs;
      while (!stop && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    process.stdout.write('\u001b[?25h');
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
  }
  return EXIT.ok;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const col = (s: string, w: number) => (s.length >= w ? `${s.slice(0, w - 1)} ` : s.padEnd(w));

function render(p: PipelineView): string[] {
  const lines = [
    `PIPELINE ${p.pipeline}  @ ${p.source}`,
    `  in ${n(p.inPerSecond.at(-1) ?? 0)}/s  ${sparkline(p.inPerSecond, TREND)}  total ${n(p.recordsIn)}  dead-lettered ${n(p.deadLettered)}`,
    `  ${col('SINK', 16)}${col('OUT/S', 10)}${col('TREND', TREND + 2)}${col('LATENCY', 11)}${col('RETRIES', 9)}TOTAL`,
  ];
  for (const s of p.sinks) {
    const latency = s.latencyMs.filter((x): x is number => x !== null).at(-1);
    lines.push(
      `  ${col(s.name, 16)}${col(n(s.outPerSecond.at(-1) ?? 0), 10)}${col(sparkline(s.outPerSecond, TREND), TREND + 2)}${col(latency === undefined ? '-' : `${latency.toFixed(1)} ms`, 11)}${col(n(s.retries), 9)}${n(s.recordsOut)}`,
    );
  }
  const lag = Object.entries(p.lag);
  if (lag.length > 0) {
    lines.push(
      `  lag ${lag.map(([tp, v]) => `${tp} ${n(v)}`).join('  ')}  total ${sparkline(p.totalLag, TREND)}`,
    );
  }
  return lines;
}
