/**
 * Counting what a process that does not report on itself has written (its Prometheus counter, the lines
 * of its output files), and, for a fixed-rate run on one partition (records are written in produce
 * order), each record's latency = write time − produce time from the polled counts.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type CountFn = () => Promise<number>;

export interface Sample {
  /** ms since the epoch */
  readonly at: number;
  readonly count: number;
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
  // only that metric (`?name=`): formatting every metric 50 times a second showed in the measured CPU
  const only = `${url}${url.includes('?') ? '&' : '?'}name=${encodeURIComponent(metric)}`;
  return async () => {
    const res = await fetch(only, { signal: AbortSignal.timeout(2000) });
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
