/**
 * Watching a process that does not report on itself: poll a count of records written (Prometheus
 * counter, committed offsets, lines in a file) until it reaches a target, keeping every sample, then
 * derive when the first and the last record were written and, for a fixed-rate run on one partition
 * (records are written in produce order), each record's latency = write time − produce time.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type CountFn = () => Promise<number>;

export interface Sample {
  /** ms since the epoch */
  readonly at: number;
  readonly count: number;
}

export interface WatchOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Stops early (e.g. the watched process died): resolves to a reason. */
  readonly abort?: Promise<string>;
}

export class WatchTimeout extends Error {}

export async function watchCount(count: CountFn, target: number, opts: WatchOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = Date.now() + opts.timeoutMs;
  let aborted: string | undefined;
  opts.abort?.then((reason) => {
    aborted = reason;
  });
  for (;;) {
    let n = samples.at(-1)?.count ?? 0;
    try {
      n = await count();
    } catch {
      // not up yet (metrics port not listening, file not created): keep the previous count
    }
    const at = Date.now();
    if (n !== samples.at(-1)?.count || samples.length === 0) samples.push({ at, count: n });
    if (n >= target) return samples;
    if (aborted) throw new Error(`stopped before ${target} records (at ${n}): ${aborted}`);
    if (at > deadline) throw new WatchTimeout(`timed out at ${n} of ${target} records`);
    await sleep(opts.intervalMs);
  }
}

/** First sample with a non-zero count, and the first reaching the target. */
export function span(samples: readonly Sample[], target: number): { firstAt: number; lastAt: number } {
  const first = samples.find((s) => s.count > 0);
  const last = samples.find((s) => s.count >= target);
  return { firstAt: first?.at ?? Number.NaN, lastAt: last?.at ?? Number.NaN };
}

/**
 * Records per second between the first and the last record written. The first sample with a non-zero
 * count already holds records written before it, so they are not counted in the rate.
 */
export function rateFromSamples(samples: readonly Sample[], target: number): number {
  const first = samples.find((s) => s.count > 0);
  const last = samples.find((s) => s.count >= target);
  if (!first || !last || last.at <= first.at) return Number.NaN;
  return ((last.count - first.count) / (last.at - first.at)) * 1000;
}

/** Latency of each record i: the time of the first sample whose count exceeds i, minus its produce time. */
export function latenciesFromSamples(samples: readonly Sample[], produced: Float64Array): number[] {
  const out: number[] = [];
  let s = 0;
  for (let i = 0; i < produced.length; i++) {
    while (s < samples.length && samples[s]!.count <= i) s++;
    if (s >= samples.length) break;
    out.push(samples[s]!.at - produced[i]!);
  }
  return out;
}

/** Sum of a Prometheus counter over all its label sets, from a /metrics endpoint. */
export function prometheusCounter(url: string, metric: string): CountFn {
  return async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) {
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  };
}

/**
 * Lines in every file under `dir` (recursively) whose name ends with `ext`: what a JSONL writer has
 * written. Files are read incrementally, so polling costs only the new bytes.
 */
export function lineCounter(dir: string, ext: string): CountFn {
  const seen = new Map<string, { bytes: number; lines: number }>();
  const countNew = async (file: string) => {
    const size = (await stat(file)).size;
    const prev = seen.get(file) ?? { bytes: 0, lines: 0 };
    if (size <= prev.bytes) return;
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      let pos = prev.bytes;
      let lines = prev.lines;
      while (pos < size) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
        if (bytesRead === 0) break;
        for (let i = buf.indexOf(10, 0); i !== -1 && i < bytesRead; i = buf.indexOf(10, i + 1)) lines++;
        pos += bytesRead;
      }
      seen.set(file, { bytes: pos, lines });
    } finally {
      await fh.close();
    }
  };
  return async () => {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(ext)) await countNew(join(e.parentPath, e.name));
    }
    let total = 0;
    for (const v of seen.values()) total += v.lines;
    return total;
  };
}
