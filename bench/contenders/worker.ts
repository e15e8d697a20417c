/**
 * Contenders that measure themselves: bench/workers/*.ts processes built on consume-loop.ts (the bare
 * Kafka client, and the raw drivers). The runner reads their `warm` line and final JSON line.
 */
import { join } from 'node:path';
import type { Contender, Measurement, RunInput, Running } from '../lib/contender.ts';
import { REPO_ROOT } from '../lib/machine.ts';
import { startMeasured } from '../lib/proc.ts';

const NODE = join(REPO_ROOT, 'node_modules/.bin/node');

interface WorkerReport {
  count: number;
  firstAt: number;
  firstCount?: number;
  lastAt: number;
  latencies: number[];
  cpuSeconds: number;
  peakRssMiB: number;
}

export function workerContender(
  id: string,
  description: string,
  script: string,
  extraArgs: (input: RunInput) => string[] = () => [],
): Contender {
  return {
    id,
    description,
    start: async (input: RunInput): Promise<Running> => {
      const spawnAt = Date.now();
      const proc = startMeasured(
        NODE,
        [
          join(REPO_ROOT, 'bench/workers', script),
          '--brokers',
          input.kafka.brokers.join(','),
          '--topic',
          input.topic,
          '--group',
          input.group,
          '--records',
          String(input.records),
          '--warmup',
          String(input.warmup),
          ...extraArgs(input),
        ],
        { logFile: join(input.dir, `${id}.log`), sampleMs: 500 },
      );
      /** Settles with `p`, or rejects after `ms`; never leaves a pending rejection behind. */
      const within = async <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${id}: timed out waiting for ${what}`)), ms);
        });
        try {
          return await Promise.race([p, expired]);
        } finally {
          clearTimeout(timer);
        }
      };
      return {
        reached: async (n, timeoutMs) => {
          if (n < input.records) {
            // only the warm-up is waited for before the end
            const warm = new Promise<void>((resolve) => {
              const check = () => {
                if (proc.stdout().includes('warm\n')) resolve();
                else if (proc.child.exitCode === null) setTimeout(check, 20);
              };
              check();
            });
            const died = proc.exited.then((code) => {
              throw new Error(`${id} exited with ${code} before warming up (see ${input.dir}/${id}.log)`);
            });
            died.catch(() => {});
            await within(Promise.race([warm, died]), timeoutMs, `${n} records`);
            return;
          }
          const code = await within(proc.exited, timeoutMs, `${n} records`);
          if (code !== 0) throw new Error(`${id} exited with ${code} (see ${input.dir}/${id}.log)`);
        },
        finish: async (): Promise<Measurement> => {
          await proc.exited;
          const line = proc.stdout().trim().split('\n').at(-1) ?? '{}';
          const r = JSON.parse(line) as WorkerReport;
          const counted = r.count - Math.max(input.warmup, r.firstCount ?? 0);
          return {
            spawnAt,
            firstAt: r.firstAt,
            lastAt: r.lastAt,
            recordsPerSec: r.lastAt > r.firstAt ? (counted / (r.lastAt - r.firstAt)) * 1000 : Number.NaN,
            windowRecords: counted,
            cpuSeconds: r.cpuSeconds,
            peakRssMiB: Math.max(r.peakRssMiB, proc.peakMiB()),
            ...(input.warmup > 0 ? { latencies: r.latencies } : {}),
          };
        },
        kill: () => proc.stop(2000),
      };
    },
  };
}
