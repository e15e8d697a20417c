/**
 * Bounded memory: a `datapipe run` process consumes a large backlog into a deliberately slow sink. The
 * source must stop fetching while the engine's byte budget is full, so the process's RSS stays flat
 * instead of growing with the backlog. The process runs with its V8 old space capped at 128 MiB (left
 * alone, V8 grows its heap lazily and RSS drifts up with garbage, which says nothing about retention): a
 * process whose memory grew with the backlog would die. RSS is sampled from /proc; the figures are
 * printed and written to bench/results/kafka-memory-<date>.json. Asserted: it survives and exits cleanly,
 * the peak stays under a bound far below the backlog, and RSS does not keep climbing to the end.
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
  repoRoot,
  startDatapipe,
  tempDir,
  uniqueName,
  waitFor,
  writePipeline,
} from './support.ts';

const BACKLOG = Number(process.env['DATAPIPE_MEMORY_BACKLOG'] ?? 200_000);
const VALUE_BYTES = 1024;
const SAMPLE_SECONDS = Number(process.env['DATAPIPE_MEMORY_SECONDS'] ?? 30);
const BUDGET_MIB = 32;
const HEAP_MIB = 128;

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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe('memory under a backlog', () => {
  it('keeps RSS flat while a slow sink works through a large backlog', async () => {
    const topic = await createTopic(uniqueName('backlog'), 6);
    const value = 'x'.repeat(VALUE_BYTES - 20);
    await produce(
      topic,
      Array.from({ length: BACKLOG }, (_, i) => ({ value: `{"id":${i},"p":"${value}"}` })),
    );
    const dir = tempDir('memory');
    const file = writePipeline(dir, {
      name: 'memory',
      source: { type: 'kafka', brokers, topics: [topic], groupId: uniqueName('memory'), decode: 'bytes' },
      // 500 records per 100 ms at most: ~5,000 records/s, far slower than the backlog can be fetched.
      sinks: [{ type: 'null', name: 'slow', delay: '100ms', batch: { maxRecords: 500 } }],
      deadLetter: deadLetterFor(topic),
      limits: { maxInFlightBytes: `${BUDGET_MIB}MiB` },
      observability: { enabled: true, port: 0 },
    });
    const run = startDatapipe(['run', file], join(dir, 'run.log'), {
      NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}`,
    });
    const samples: Array<{ second: number; rssMiB: number }> = [];
    let lag = 0;
    try {
      await waitFor('the pipeline to run', () => /pipeline running/.test(run.logs()));
      const port = Number(/"port":(\d+)/.exec(run.logs())?.[1]);
      for (let s = 0; s < SAMPLE_SECONDS * 2; s++) {
        await new Promise((r) => setTimeout(r, 500));
        const rss = rssMiB(run.child.pid!);
        if (rss !== undefined) samples.push({ second: s / 2, rssMiB: Math.round(rss) });
        if (s === SAMPLE_SECONDS)
          lag = consumerLag(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), topic);
      }
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exited, 0, 'the process survives with a capped heap and exits cleanly');
    const consumed = Number(/records in: (\d+)/.exec(run.logs())?.[1] ?? 0);
    const third = Math.floor(samples.length / 3);
    const middle = median(samples.slice(third, 2 * third).map((s) => s.rssMiB));
    const end = median(samples.slice(2 * third).map((s) => s.rssMiB));
    const peak = Math.max(...samples.map((s) => s.rssMiB));
    const report = {
      date: new Date().toISOString(),
      backlogRecords: BACKLOG,
      backlogMiB: Math.round((BACKLOG * VALUE_BYTES) / 1048576),
      budgetMiB: BUDGET_MIB,
      heapCapMiB: HEAP_MIB,
      consumedWhileSampling: consumed,
      consumerLagMidway: lag,
      rssMiB: { middleMedian: middle, endMedian: end, peak },
      samples,
    };
    writeFileSync(
      join(repoRoot, 'bench/results', `kafka-memory-${report.date.slice(0, 10)}.json`),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    console.log(
      `memory: backlog=${report.backlogMiB}MiB consumed=${consumed} lag midway=${lag} rss middle=${middle}MiB end=${end}MiB peak=${peak}MiB`,
    );
    assert.ok(samples.length > 10);
    assert.ok(lag > 0 && lag <= BACKLOG, `datapipe_consumer_lag reports the backlog (${lag})`);
    assert.ok(consumed > 0 && consumed < BACKLOG, `the sink is the bottleneck (consumed ${consumed})`);
    assert.ok(peak < 350, `peak RSS ${peak} MiB for a ${report.backlogMiB} MiB backlog`);
    // Records kept alive would exceed the capped heap and kill the process (asserted above) and push the
    // peak past its bound; what is left between the middle and the end of the run is V8 filling its heap
    // up to the cap at its own pace, which depends on the machine's load: allow up to half the heap cap.
    assert.ok(end <= middle + HEAP_MIB / 2, `RSS keeps growing: middle ${middle} MiB, end ${end} MiB`);
  });
});
