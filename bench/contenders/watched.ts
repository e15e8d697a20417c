/**
 * Contenders watched from outside (datapipe, Kafka Connect): a poller samples how many records the
 * process has written (its metrics, or its output) and its CPU time every `intervalMs`.
 */
import type { Measurement, RunInput, Running } from '../lib/contender.ts';
import type { Measured } from '../lib/proc.ts';
import { readCpuSeconds } from '../lib/proc.ts';
import { type CountFn, latenciesFromSamples, type Sample } from '../lib/progress.ts';

const POLL_MS = 20;

/**
 * A latency run (the runs with a warm-up) sees a record written only at the first poll after the write,
 * so each latency includes the wait for that poll, half the interval on average (decision 0092). The raw
 * workers time their own writes, so the error is only on the watched side (datapipe, Kafka Connect).
 * Measured on datapipe → null at 2,000 records/s: p50 16 ms polled every 20 ms, 7–8 at 5, 5 at 2, 4 at 1.
 */
const LATENCY_POLL_MS = 2;

/** Throughput runs never wait longer than this between polls (progress and stalls stay visible). */
const MAX_POLL_MS = 1000;

/**
 * A throughput run polls every 20 ms until the rate is known, then every eighth of the time the rest of
 * the records should take at that rate (at least 20 ms, at most 1 s): the polls thin out in the middle of
 * the run and close in on its end, so the window's end is seen within 20 ms. Each poll costs the watched
 * process 0.7–1 ms of CPU that the raw workers, which are not polled, do not pay: a 7 s run is now polled
 * about 25 times between its first and last record, where 1 % of the elapsed time polled it about 140
 * times (decisions 0078, 0093). A rate that rises up to 8× between two polls still leaves the end to the
 * next poll.
 */
function pollInterval(input: RunInput, samples: readonly Sample[]): number {
  if (input.warmup > 0) return LATENCY_POLL_MS;
  const first = samples.find((s) => s.count > 0);
  const last = samples.at(-1);
  if (first === undefined || last === undefined || last.at <= first.at) return POLL_MS;
  const perMs = (last.count - first.count) / (last.at - first.at);
  if (perMs <= 0) return POLL_MS;
  const remainingMs = (input.records - last.count) / perMs;
  return Math.min(MAX_POLL_MS, Math.max(POLL_MS, Math.round(remainingMs / 8)));
}
const STALL_MS = 90_000;

export function watchedRunning(
  id: string,
  input: RunInput,
  procOrGroup: Measured | readonly Measured[],
  count: CountFn,
  spawnAt: number,
  /** When given, the rate is measured only from the first moment this resolves true (polled every 200 ms). */
  ready?: () => Promise<boolean>,
): Running {
  const procs: readonly Measured[] = Array.isArray(procOrGroup) ? procOrGroup : [procOrGroup as Measured];
  const samples: Array<Sample & { cpu: number }> = [];
  const started = Date.now();
  let stopped = false;
  let exitCode: number | null | undefined;
  for (const p of procs) {
    p.exited.then((code: number | null) => {
      exitCode = code;
    });
  }
  const cpuNow = (fallback: number) => {
    let total = 0;
    for (const p of procs) {
      const c = readCpuSeconds(p.pid);
      if (c === undefined) return fallback;
      total += c;
    }
    return total;
  };
  const poll = async () => {
    while (!stopped) {
      let n = samples.at(-1)?.count ?? 0;
      try {
        n = await count();
      } catch {
        // not listening / no output yet
      }
      const last = samples.at(-1);
      if (!last || n !== last.count) {
        samples.push({ at: Date.now(), count: n, cpu: cpuNow(last?.cpu ?? 0) });
      }
      await new Promise((r) => setTimeout(r, pollInterval(input, samples)));
    }
  };
  const polling = poll();
  let readyAt = ready ? Number.POSITIVE_INFINITY : 0;
  const watchReady = async () => {
    while (ready && !stopped && readyAt === Number.POSITIVE_INFINITY) {
      if (await ready().catch(() => false)) readyAt = Date.now();
      else await new Promise((r) => setTimeout(r, 200));
    }
  };
  const readying = watchReady();
  return {
    reached: async (n, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while ((samples.at(-1)?.count ?? 0) < n) {
        if (exitCode !== undefined) {
          throw new Error(`${id} exited with ${exitCode} at ${samples.at(-1)?.count ?? 0} of ${n} records`);
        }
        // a process that stopped making progress (wedged after an error) fails fast instead of at the deadline
        const lastChange = samples.at(-1)?.at ?? started;
        if (Date.now() - lastChange > STALL_MS) {
          throw new Error(
            `${id}: no progress for ${STALL_MS / 1000} s at ${samples.at(-1)?.count ?? 0} of ${n} records`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(`${id}: timed out at ${samples.at(-1)?.count ?? 0} of ${n} records`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    finish: async (produced?: Float64Array): Promise<Measurement> => {
      // several processes (scale-out): their memory adds up
      const peakRssMiB = procs.reduce((sum, p) => sum + p.peakMiB(), 0);
      stopped = true;
      await polling;
      await readying;
      await Promise.all(procs.map((p) => p.stop()));
      // Measure from the first sample after the warm-up (or the first non-zero one) to the target.
      const from = samples.find((s) => s.count > input.warmup && s.at >= readyAt) ?? samples[0]!;
      const to = samples.find((s) => s.count >= input.records) ?? samples.at(-1)!;
      const latencies = produced
        ? latenciesFromSamples(
            samples.map((s) => ({ at: s.at, count: s.count - input.warmup })),
            produced,
          )
        : undefined;
      return {
        spawnAt,
        firstAt: from.at,
        lastAt: to.at,
        // the first sample of the window holds records written before it: they are not counted
        recordsPerSec: to.at > from.at ? ((to.count - from.count) / (to.at - from.at)) * 1000 : Number.NaN,
        windowRecords: to.count - from.count,
        cpuSeconds: to.cpu - from.cpu,
        peakRssMiB,
        ...(latencies ? { latencies } : {}),
      };
    },
    kill: async () => {
      stopped = true;
      await polling;
      await readying;
      await Promise.all(procs.map((p) => p.stop(2000)));
    },
  };
}
