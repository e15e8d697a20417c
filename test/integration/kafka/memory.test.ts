/**
 * Bounded memory: a `datapipe run` process consumes a large backlog into a deliberately slow sink. The
 * source must stop fetching while the engine's byte budget is full, so memory does not grow with the
 * backlog. The process runs with its V8 old space capped at 128 MiB and is watched by record counts, not
 * by the clock: it must consume more record bytes than its heap could hold (so keeping them alive would
 * kill it) and still exit cleanly, and the live heap after each full GC (V8's --trace-gc) must not grow
 * from one milestone of consumed records to the next by more than the byte budget. RSS is recorded too;
 * the figures are printed and written to `memory-report.json` beside the run's log in the test's temp
 * dir, not into the repository: `npm test` leaves the working tree as it found it (benchmark figures
 * come from `npm run bench -- --scenario backlog`).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  brokers,
  createTopic,
  deadLetterFor,
  produce,
  startDatapipe,
  tempDir,
  uniqueName,
  waitFor,
  writePipeline,
} from './support.ts';

const BACKLOG = Number(process.env['DATAPIPE_MEMORY_BACKLOG'] ?? 200_000);
const VALUE_BYTES = 1024;
const BUDGET_MIB = 32;
const HEAP_MIB = 128;
/** Records consumed before the verdict: more bytes than the capped heap holds (150,000 KiB > 128 MiB). */
const PROOF_RECORDS = Math.min(150_000, Math.floor(BACKLOG * 0.75));
const MILESTONES = 6;

function rssMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Sum of `datapipe_consumer_lag` over the partitions of `topic`. */
function consumerLag(metrics: string, topic: string): number {
  let sum = 0;
  for (const m of metrics.matchAll(/^datapipe_consumer_lag\{([^}]*)\} (\d+)/gm)) {
    if (m[1]?.includes(`topic="${topic}"`)) sum += Number(m[2]);
  }
  return sum;
}

/** The live heap after the last full GC so far, in MiB (from --trace-gc lines), or undefined before one. */
function liveHeapMiB(logs: string): number | undefined {
  let last: number | undefined;
  for (const m of logs.matchAll(/Mark-Compact(?: \([a-z ]+\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g)) {
    last = Number(m[1]);
  }
  return last;
}

function metricValue(metrics: string, name: string): number {
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
}

describe('memory under a backlog', () => {
  it('consumes more than its capped heap holds and the live heap stays flat, judged per records consumed', {
    timeout: 300_000,
  }, async () => {
    const topic = await createTopic(uniqueName('backlog'), 6);
    const value = 'x'.repeat(VALUE_BYTES - 20);
    await produce(
      topic,
      Array.from({ length: BACKLOG }, (_, i) => ({ value: `{"id":${i},"p":"${value}"}` })),
    );
    const dir = tempDir('memory');
    const file = writePipeline(dir, {
      name: 'memory',
      source: {
        type: 'kafka',
        brokers,
        topics: [topic],
        groupId: uniqueName('memory'),
        decode: 'bytes',
        // the midway lag sample comes ~12 s in: the default 10 s refresh could still be in flight under load
        lagInterval: '1s',
      },
      // 500 records per 100 ms at most: ~5,000 records/s, far slower than the backlog can be fetched.
      sinks: [{ type: 'null', name: 'slow', delay: '100ms', batch: { maxRecords: 500 } }],
      deadLetter: deadLetterFor(topic),
      limits: { maxInFlightBytes: `${BUDGET_MIB}MiB` },
      observability: { enabled: true, port: 0 },
    });
    const run = startDatapipe(['run', file], join(dir, 'run.log'), {}, [
      `--max-old-space-size=${HEAP_MIB}`,
      '--trace-gc',
    ]);
    const samples: Array<{ records: number; rssMiB: number; liveHeapMiB: number | undefined }> = [];
    let lag = 0;
    try {
      await waitFor('the pipeline to run', () => /pipeline running/.test(run.logs()));
      const port = Number(/"port":(\d+)/.exec(run.logs())?.[1]);
      const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (let k = 1; k <= MILESTONES; k++) {
        const target = Math.round((PROOF_RECORDS * k) / MILESTONES);
        let records = 0;
        await waitFor(
          `${target} records consumed`,
          async () => {
            records = metricValue(await metrics(), 'datapipe_records_in_total');
            return records >= target || run.child.exitCode !== null;
          },
          120_000,
          250,
        );
        samples.push({
          records,
          rssMiB: Math.round(rssMiB(run.child.pid!) ?? 0),
          liveHeapMiB: liveHeapMiB(run.logs()),
        });
        if (k === MILESTONES / 2) lag = consumerLag(await metrics(), topic);
      }
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exited, 0, 'the process survives with a capped heap and exits cleanly');
    const consumed = Number(/records in: (\d+)/.exec(run.logs())?.[1] ?? 0);
    const live = samples.map((s) => s.liveHeapMiB).filter((m): m is number => m !== undefined);
    const peak = Math.max(...samples.map((s) => s.rssMiB));
    const report = {
      date: new Date().toISOString(),
      backlogRecords: BACKLOG,
      backlogMiB: Math.round((BACKLOG * VALUE_BYTES) / 1048576),
      budgetMiB: BUDGET_MIB,
      heapCapMiB: HEAP_MIB,
      consumed,
      consumerLagMidway: lag,
      peakRssMiB: peak,
      samples,
    };
    const reportFile = join(dir, 'memory-report.json');
    writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `memory (${reportFile}): backlog=${report.backlogMiB}MiB consumed=${consumed} lag midway=${lag} live heap after full GC per milestone=${live.join(',')}MiB peak rss=${peak}MiB`,
    );
    assert.ok(
      consumed >= PROOF_RECORDS && (consumed * VALUE_BYTES) / 1048576 > HEAP_MIB,
      `consumed ${consumed} records: more bytes than the ${HEAP_MIB} MiB heap holds`,
    );
    assert.ok(consumed < BACKLOG, `the sink is the bottleneck (consumed ${consumed})`);
    assert.ok(lag > 0 && lag <= BACKLOG, `datapipe_consumer_lag reports the backlog (${lag})`);
    assert.ok(live.length >= 2, `full GCs were traced (${live.length} milestones with one)`);
    // Retained records would add ~20 MiB of live heap per milestone; the byte budget bounds what may be held.
    assert.ok(
      Math.max(...live) <= (live[0] as number) + BUDGET_MIB,
      `the live heap grows with the records consumed: ${live.join(', ')} MiB`,
    );
    assert.ok(peak < 350, `peak RSS ${peak} MiB for a ${report.backlogMiB} MiB backlog`);
  });
});
