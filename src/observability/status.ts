/**
 * The live figures of `datapipe top` and of the status page (`/` on the observability port), from a
 * pipeline's Prometheus text (`/metrics`): per pipeline, records/s in; per sink, records/s out, batch
 * write latency and retries; dead-lettered; consumer lag per partition; each with a short history for
 * sparklines. One parser and one rate calculation serve both views.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Samples of the Prometheus text exposition format (comments and blank lines skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL))
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** Counter totals of one moment, per pipeline. */
interface Totals {
  recordsIn: number;
  deadLettered: number;
  sinks: Map<string, { out: number; retries: number; writeSeconds: number; writes: number }>;
  lag: Map<string, number>;
}

function totalsOf(samples: readonly Sample[]): Map<string, Totals> {
  const byPipeline = new Map<string, Totals>();
  const get = (p: string) => {
    let t = byPipeline.get(p);
    if (!t) {
      t = { recordsIn: 0, deadLettered: 0, sinks: new Map(), lag: new Map() };
      byPipeline.set(p, t);
    }
    return t;
  };
  const sink = (t: Totals, name: string) => {
    let s = t.sinks.get(name);
    if (!s) {
      s = { out: 0, retries: 0, writeSeconds: 0, writes: 0 };
      t.sinks.set(name, s);
    }
    return s;
  };
  for (const s of samples) {
    const p = s.labels['pipeline'];
    if (p === undefined) continue;
    const t = get(p);
    const sinkName = s.labels['sink'];
    switch (s.name) {
      case 'datapipe_records_in_total':
        t.recordsIn += s.value;
        break;
      case 'datapipe_records_dead_lettered_total':
        t.deadLettered += s.value;
        break;
      case 'datapipe_records_out_total':
        if (sinkName) sink(t, sinkName).out += s.value;
        break;
      case 'datapipe_sink_write_retries_total':
        if (sinkName) sink(t, sinkName).retries += s.value;
        break;
      case 'datapipe_batch_write_duration_seconds_sum':
        if (sinkName) sink(t, sinkName).writeSeconds += s.value;
        break;
      case 'datapipe_batch_write_duration_seconds_count':
        if (sinkName) sink(t, sinkName).writes += s.value;
        break;
      case 'datapipe_consumer_lag':
        t.lag.set(`${s.labels['topic']}/${s.labels['partition']}`, s.value);
        break;
    }
  }
  return byPipeline;
}

export interface SinkView {
  readonly name: string;
  readonly recordsOut: number;
  readonly outPerSecond: number[];
  /** Mean batch write time over the last interval, in milliseconds (null: no write in it). */
  readonly latencyMs: Array<number | null>;
  readonly retries: number;
}

export interface PipelineView {
  readonly pipeline: string;
  /** Where the figures come from (an address, or `local`). */
  readonly source: string;
  readonly recordsIn: number;
  /** Oldest first; the last value is the current rate. */
  readonly inPerSecond: number[];
  readonly deadLettered: number;
  readonly sinks: SinkView[];
  /** Per `topic/partition`. */
  readonly lag: Record<string, number>;
  readonly totalLag: number[];
}

interface Point {
  readonly time: number;
  readonly totals: Map<string, Totals>;
}

/** Snapshots of one source of figures over time, and the per-second view of them. */
export class StatusHistory {
  readonly #points: Point[] = [];
  readonly #size: number;
  readonly #source: string;

  constructor(source: string, size = 60) {
    this.#source = source;
    this.#size = size;
  }

  /** Adds the figures read at `time` (ms). */
  add(metricsText: string, time: number): void {
    this.#points.push({ time, totals: totalsOf(parsePrometheusText(metricsText)) });
    if (this.#points.length > this.#size + 1) this.#points.shift();
  }

  view(): PipelineView[] {
    const last = this.#points.at(-1);
    if (!last) return [];
    const pairs = this.#points.slice(1).map((p, i) => ({ before: this.#points[i] as Point, after: p }));
    /** Per second between consecutive points, of a counter read from one pipeline's totals. */
    const rate = (pipeline: string, f: (t: Totals | undefined) => number) =>
      pairs.map(({ before, after }) => {
        const seconds = (after.time - before.time) / 1000;
        const delta = f(after.totals.get(pipeline)) - f(before.totals.get(pipeline));
        return seconds > 0 ? Math.max(0, delta / seconds) : 0;
      });
    const out: PipelineView[] = [];
    for (const [name, t] of last.totals) {
      out.push({
        pipeline: name,
        source: this.#source,
        recordsIn: t.recordsIn,
        inPerSecond: rate(name, (x) => x?.recordsIn ?? 0),
        deadLettered: t.deadLettered,
        sinks: [...t.sinks].map(([sinkName, s]) => ({
          name: sinkName,
          recordsOut: s.out,
          outPerSecond: rate(name, (x) => x?.sinks.get(sinkName)?.out ?? 0),
          latencyMs: pairs.map(({ before, after }) => {
            const a = after.totals.get(name)?.sinks.get(sinkName);
            const b = before.totals.get(name)?.sinks.get(sinkName);
            const writes = (a?.writes ?? 0) - (b?.writes ?? 0);
            return writes > 0 ? (((a?.writeSeconds ?? 0) - (b?.writeSeconds ?? 0)) / writes) * 1000 : null;
          }),
          retries: s.retries,
        })),
        lag: Object.fromEntries(t.lag),
        totalLag: this.#points.map((p) =>
          [...(p.totals.get(name)?.lag.values() ?? [])].reduce((a, b) => a + b, 0),
        ),
      });
    }
    return out;
  }
}

const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of the values (null: a gap), scaled to their maximum. */
export function sparkline(values: ReadonlyArray<number | null>, width: number): string {
  const v = values.slice(-width);
  const max = Math.max(0, ...v.map((x) => x ?? 0));
  return v
    .map((x) => (x === null ? ' ' : max === 0 ? BARS[0] : BARS[Math.min(7, Math.floor((x / max) * 7.999))]))
    .join('')
    .padStart(width, ' ');
}
