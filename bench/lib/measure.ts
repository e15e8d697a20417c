/**
 * The two measurements every contender gets, on topics created for the purpose:
 * - throughput: drain a backlog of N records (the same topic for every contender, each in a fresh
 *   consumer group), interleaving contenders across repeats so load noise hits all of them alike;
 * - latency: on a fresh one-partition topic, warm up, then produce at a fixed rate and take, per
 *   record, write time − produce time.
 * Before each run the page cache's dirty data is written out (`sync`): what a previous contender left
 * unsynced (Kafka Connect's output file, the broker's log segments) is otherwise written back by the
 * kernel during the next run and slows that run's own fsyncs (decision 0095).
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Contender, Measurement, RunInput } from './contender.ts';
import { createTopic, deleteTopics, type KafkaTarget, preload, produceAtRate } from './kafka.ts';
import { type LatencySummary, latencySummary, round, type Spread, spread } from './stats.ts';

export interface ThroughputResult {
  readonly recordsPerSec: Spread;
  readonly mbPerSec: Spread;
  readonly recordsPerCpuSec: Spread;
  readonly peakRssMiB: Spread;
  /** Process start → first record written. */
  readonly startupMs: Spread;
  readonly errors: string[];
}

export interface LatencyResult extends LatencySummary {
  readonly rate: number;
  readonly peakRssMiB: number;
  readonly error?: string;
}

export interface MeasureContext {
  readonly kafka: KafkaTarget;
  readonly runDir: string;
  readonly runId: string;
  readonly log: (line: string) => void;
  /** Next free port base (each run takes a block of 10). */
  nextPort(): number;
}

/**
 * One run's input: consumer group `group` on `topic` (fresh, so the run starts from the earliest offset),
 * its folder `dirName` under the run folder (created), and the next free port.
 */
export function runInput(
  ctx: MeasureContext,
  topic: string,
  group: string,
  dirName: string,
  records: number,
  warmup = 0,
): RunInput {
  const dir = join(ctx.runDir, dirName);
  mkdirSync(dir, { recursive: true });
  return { kafka: ctx.kafka, topic, group, records, warmup, dir, port: ctx.nextPort() };
}

/** Writes out every dirty page before a run; says how long that took when it was long enough to matter. */
async function settleDisk(ctx: MeasureContext, before: string): Promise<void> {
  const started = performance.now();
  await promisify(execFile)('sync');
  const ms = performance.now() - started;
  if (ms >= 100) ctx.log(`  (sync before ${before}: ${Math.round(ms)} ms)`);
}

let seq = 0;
function freshName(ctx: MeasureContext, what: string): string {
  seq++;
  return `bench-${ctx.runId}-${what}-${seq}`;
}

export async function measureThroughput(
  ctx: MeasureContext,
  contenders: readonly Contender[],
  opts: { records: number; size: number; partitions: number; repeat: number; timeoutMs: number },
): Promise<Record<string, ThroughputResult>> {
  const topic = freshName(ctx, `t${opts.size}`);
  await createTopic(ctx.kafka, topic, opts.partitions);
  const loaded = await preload(ctx.kafka, topic, opts.partitions, opts.records, opts.size);
  ctx.log(
    `  topic ${topic}: ${opts.records} × ${opts.size} B in ${opts.partitions} partitions, loaded in ${loaded.seconds.toFixed(1)} s`,
  );
  const runs = new Map<string, Measurement[]>(contenders.map((c) => [c.id, []]));
  const errors = new Map<string, string[]>(contenders.map((c) => [c.id, []]));
  try {
    for (let r = 0; r < opts.repeat; r++) {
      // rotate the order each repeat: nobody always goes first (cold page cache, fresh broker)
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
      for (const c of order) {
        const group = freshName(ctx, c.id);
        await settleDisk(ctx, `${c.id} run ${r + 1}`);
        const running = await c.start(runInput(ctx, topic, group, group, opts.records));
        try {
          await running.reached(opts.records, opts.timeoutMs);
          const m = await running.finish();
          runs.get(c.id)!.push(m);
          ctx.log(
            `  ${c.id.padEnd(26)} run ${r + 1}: ${Math.round(m.recordsPerSec)} rec/s, ${round(m.peakRssMiB)} MiB peak, ${round(m.cpuSeconds, 2)} CPU s`,
          );
        } catch (err) {
          await running.kill();
          const message = (err as Error).message;
          errors.get(c.id)!.push(message);
          ctx.log(`  ${c.id.padEnd(26)} run ${r + 1}: FAILED ${message}`);
        }
      }
    }
  } finally {
    await deleteTopics(ctx.kafka, [topic]);
  }
  const mb = opts.size / 1e6;
  return Object.fromEntries(
    contenders.map((c) => {
      const ms = runs.get(c.id)!;
      return [
        c.id,
        {
          recordsPerSec: spread(ms.map((m) => Math.round(m.recordsPerSec))),
          mbPerSec: spread(ms.map((m) => round(m.recordsPerSec * mb, 2))),
          recordsPerCpuSec: spread(ms.map((m) => Math.round(m.windowRecords / Math.max(m.cpuSeconds, 0.01)))),
          peakRssMiB: spread(ms.map((m) => round(m.peakRssMiB))),
          startupMs: spread(ms.map((m) => m.firstAt - m.spawnAt)),
          errors: errors.get(c.id)!,
        } satisfies ThroughputResult,
      ];
    }),
  );
}

export async function measureLatency(
  ctx: MeasureContext,
  contenders: readonly Contender[],
  opts: { size: number; rate: number; seconds: number; warmup: number; timeoutMs: number },
): Promise<Record<string, LatencyResult>> {
  const out: Record<string, LatencyResult> = {};
  const count = Math.round(opts.rate * opts.seconds);
  for (const c of contenders) {
    const topic = freshName(ctx, `lat${opts.size}`);
    await createTopic(ctx.kafka, topic, 1);
    const group = freshName(ctx, `${c.id}-lat`);
    await settleDisk(ctx, `${c.id} latency`);
    const running = await c.start(runInput(ctx, topic, group, group, opts.warmup + count, opts.warmup));
    try {
      await preload(ctx.kafka, topic, 1, opts.warmup, opts.size);
      await running.reached(opts.warmup, opts.timeoutMs);
      const produced = await produceAtRate(ctx.kafka, topic, count, opts.size, opts.rate);
      await running.reached(opts.warmup + count, opts.timeoutMs);
      const m = await running.finish(produced);
      const summary = latencySummary(m.latencies ?? []);
      out[c.id] = { ...summary, rate: opts.rate, peakRssMiB: round(m.peakRssMiB) };
      ctx.log(
        `  ${c.id.padEnd(26)} latency at ${opts.rate}/s: p50 ${summary.p50} ms, p99 ${summary.p99} ms (${summary.samples} records)`,
      );
    } catch (err) {
      await running.kill();
      const message = (err as Error).message;
      out[c.id] = { ...latencySummary([]), rate: opts.rate, peakRssMiB: Number.NaN, error: message };
      ctx.log(`  ${c.id.padEnd(26)} latency: FAILED ${message}`);
    } finally {
      await deleteTopics(ctx.kafka, [topic]);
    }
  }
  return out;
}
