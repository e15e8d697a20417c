/**
 * Where a datapipe → null run spends its CPU: `node --cpu-prof` on `datapipe run`, then self time per
 * function and per area of the hot path (Kafka client, decode, engine, metrics, GC).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsUrl, startDatapipe } from './contenders/datapipe.ts';
import { watchedRunning } from './contenders/watched.ts';
import { createTopic, deleteTopics, preload } from './lib/kafka.ts';
import { REPO_ROOT } from './lib/machine.ts';
import { type MeasureContext, runInput } from './lib/measure.ts';
import { prometheusCounter } from './lib/progress.ts';
import { round } from './lib/stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The areas of the hot path, by where the code lives (first match wins). */
const AREAS: Array<[string, RegExp]> = [
  ['idle', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['kafka client (fetch, record batch parsing)', /@platformatic\/kafka/],
  ['decode (JSON.parse)', /src\/runtime\/decode|^JSON\.parse/],
  ['batching', /src\/runtime\/batcher/],
  ['offset tracking', /src\/runtime\/offset-tracker/],
  ['engine (other)', /src\/runtime\//],
  ['kafka source', /src\/sources\/kafka/],
  ['metrics (prom-client)', /prom-client/],
  ['logging (pino)', /pino/],
  ['sinks', /src\/sinks\//],
  [
    'module loading (start-up)',
    /node:internal\/modules|^compileSourceTextModule$|^wrapSafe$|^compileFunction$/,
  ],
  ['node internals (buffers, streams, net)', /^node:/],
  ['other node_modules', /node_modules/],
];

export function summarise(profile: CpuProfile) {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const perFunction = new Map<string, { function: string; url: string; micros: number }>();
  const perArea = new Map<string, number>();
  const areaOf = new Map<string, string>();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    const url = node.callFrame.url
      .replace(`file://${REPO_ROOT}`, '')
      .replace(/^file:\/\/.*\/datapipe-\d+\//, '')
      .replace(/^.*node_modules\//, 'node_modules/');
    total += micros;
    if (name === '(idle)') idle += micros;
    const key = `${name} ${url}:${node.callFrame.lineNumber + 1}`;
    const f = perFunction.get(key) ?? {
      function: name,
      url: url ? `${url}:${node.callFrame.lineNumber + 1}` : '',
      micros: 0,
    };
    f.micros += micros;
    perFunction.set(key, f);
    const area =
      AREAS.find(([, re]) => re.test(url) || re.test(name))?.[0] ??
      (url ? 'other' : 'native (builtins without a script)');
    perArea.set(area, (perArea.get(area) ?? 0) + micros);
    areaOf.set(key, area);
  }
  const busy = total - idle;
  const pct = (m: number) => round((m / Math.max(busy, 1)) * 100, 1);
  return {
    totalSeconds: round(total / 1e6, 2),
    busySeconds: round(busy / 1e6, 2),
    topByArea: Object.fromEntries(
      [...perArea.keys()]
        .filter((a) => a !== 'idle')
        .map((a) => [
          a,
          [...perFunction.entries()]
            .filter(([k]) => areaOf.get(k) === a)
            .sort((x, y) => y[1].micros - x[1].micros)
            .slice(0, 5)
            .map(([, f]) => `${f.function} ${f.url} ${pct(f.micros)}%`),
        ]),
    ),
    top: [...perFunction.values()]
      .filter((f) => f.function !== '(idle)')
      .sort((a, b) => b.micros - a.micros)
      .slice(0, 30)
      .map((f) => ({ function: f.function, url: f.url, selfPercent: pct(f.micros) })),
    areas: Object.fromEntries(
      [...perArea.entries()]
        .filter(([a]) => a !== 'idle')
        .sort((a, b) => b[1] - a[1])
        .map(([a, m]) => [a, pct(m)]),
    ),
  };
}

export async function runProfile(
  ctx: MeasureContext,
  opts: {
    records: number;
    size: number;
    partitions: number;
    /** null, file (fs JSONL), or the id of a sink scenario and its sink entry given the group. */
    sink: 'null' | 'file' | { id: string; entry: (group: string) => Record<string, unknown> };
  },
) {
  const sinkId = typeof opts.sink === 'string' ? opts.sink : opts.sink.id;
  console.error(`\n== profile: node --cpu-prof on datapipe → ${sinkId}, ${opts.records} × ${opts.size} B`);
  const topic = `bench-${ctx.runId}-profile`;
  await createTopic(ctx.kafka, topic, opts.partitions);
  try {
    await preload(ctx.kafka, topic, opts.partitions, opts.records, opts.size);
    const input = runInput(ctx, topic, `${topic}-group`, 'profile', opts.records);
    const dir = input.dir;
    const profDir = join(dir, 'cpuprofile');
    mkdirSync(profDir, { recursive: true });
    const datapipeOpts = {
      // `file`: the object-store sink, fs driver, JSONL (what the file scenario measures)
      sink: () =>
        typeof opts.sink === 'object'
          ? opts.sink.entry(input.group)
          : opts.sink === 'file'
            ? { type: 'object-store', driver: 'fs', path: join(dir, 'out'), format: 'jsonl' }
            : { type: 'null' },
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
    };
    const proc = startDatapipe(input, datapipeOpts, 'profile');
    const running = watchedRunning(
      'profile',
      input,
      proc,
      prometheusCounter(metricsUrl(input), 'datapipe_records_out_total'),
      Date.now(),
    );
    await running.reached(opts.records, 300_000);
    const m = await running.finish();
    // `datapipe run` restarts itself once with its heap cap (process.execve, src/cli/heap.ts): Node writes
    // a profile for the start-up before the restart and one for the run; the run's is the last by name.
    const files = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .reverse();
    if (files.length === 0)
      throw new Error(`no .cpuprofile written in ${profDir} (did datapipe exit cleanly on SIGTERM?)`);
    const profile = JSON.parse(readFileSync(join(profDir, files[0]!), 'utf8')) as CpuProfile;
    const summary = summarise(profile);
    console.error(
      `  ${Math.round(m.recordsPerSec)} rec/s under the profiler; busy ${summary.busySeconds} s of ${summary.totalSeconds} s`,
    );
    for (const [area, p] of Object.entries(summary.areas))
      console.error(`  ${String(p).padStart(5)} %  ${area}`);
    for (const f of summary.top.slice(0, 15))
      console.error(`  ${String(f.selfPercent).padStart(5)} %  ${f.function}  ${f.url}`);
    return {
      sink: sinkId,
      records: opts.records,
      size: opts.size,
      recordsPerSec: Math.round(m.recordsPerSec),
      profileFile: join(profDir, files[0]!),
      ...summary,
    };
  } finally {
    await deleteTopics(ctx.kafka, [topic]);
  }
}
