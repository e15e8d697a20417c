/**
 * Memory under backlog: a million records wait in the topic while datapipe works through them with a
 * slow sink (null sink with a delay per batch). RSS is sampled every second; with a bounded in-flight
 * byte budget it must stay flat however large the lag.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { metricsUrl, startDatapipe } from './contenders/datapipe.ts';
import { createTopic, deleteTopics, preload } from './lib/kafka.ts';
import { type MeasureContext, runInput } from './lib/measure.ts';
import { prometheusCounter } from './lib/progress.ts';
import { round } from './lib/stats.ts';

export interface BacklogOptions {
  readonly records: number;
  readonly seconds: number;
  readonly delay: string;
  readonly size: number;
}

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export async function runBacklog(ctx: MeasureContext, opts: BacklogOptions) {
  console.error(`\n== backlog: RSS while ${opts.records} records wait (sink delay ${opts.delay} per batch)`);
  const topic = `bench-${ctx.runId}-backlog`;
  const partitions = 4;
  await createTopic(ctx.kafka, topic, partitions);
  try {
    const loaded = await preload(ctx.kafka, topic, partitions, opts.records, opts.size);
    console.error(`  loaded ${opts.records} × ${opts.size} B in ${loaded.seconds.toFixed(1)} s`);
    const input = runInput(ctx, topic, `${topic}-group`, 'backlog', opts.records);
    const proc = startDatapipe(
      input,
      { sink: () => ({ type: 'null', delay: opts.delay }) },
      'backlog',
      0,
      1000,
    );
    const written = prometheusCounter(metricsUrl(input), 'datapipe_records_out_total');
    const progress: Array<{ t: number; written: number }> = [];
    const started = Date.now();
    let exited = false;
    proc.exited.then(() => {
      exited = true;
    });
    while (Date.now() - started < opts.seconds * 1000 && !exited) {
      await sleep(1000);
      progress.push({ t: Date.now() - started, written: await written().catch(() => Number.NaN) });
    }
    const peak = proc.peakMiB();
    await proc.stop();
    if (exited && progress.length < opts.seconds - 1)
      throw new Error(`datapipe exited early (see ${input.dir})`);
    // samples taken while it ran (not during the shutdown)
    const samples = proc.samples.filter((x) => x.t <= opts.seconds * 1000);
    const at = (fraction: number) =>
      (samples.find((x) => x.t >= fraction * opts.seconds * 1000) ?? samples.at(-1))?.rssMiB ?? Number.NaN;
    // Flat = no growth over the second half of the run (the first half includes start-up and the heap
    // settling at the size the in-flight budget and the client's fetch buffers need).
    const secondHalf = samples.filter((x) => x.t >= (opts.seconds * 1000) / 2);
    const rss = secondHalf.map((x) => x.rssMiB);
    const lastWritten = progress.filter((p) => Number.isFinite(p.written)).at(-1)?.written ?? 0;
    const summary = {
      'records waiting at start': opts.records,
      'records written during the run': lastWritten,
      'still waiting at the end': opts.records - lastWritten,
      'RSS at 25 / 50 / 75 / 100 % of the run (MiB)': [0.25, 0.5, 0.75, 1].map(at).join(' / '),
      'RSS min / max over the second half (MiB)': `${Math.min(...rss)} / ${Math.max(...rss)}`,
      'RSS slope over the second half (MiB per minute)': round(
        slope(secondHalf.map((x) => ({ x: x.t / 60_000, y: x.rssMiB }))),
        2,
      ),
      'peak RSS (VmHWM, MiB)': peak,
    };
    for (const [k, v] of Object.entries(summary)) console.error(`  ${k}: ${v}`);
    return { options: opts, partitions, summary, rssSamples: samples, progress };
  } finally {
    await deleteTopics(ctx.kafka, [topic]);
  }
}
