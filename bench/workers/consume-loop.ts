/**
 * The loop the raw-client workers share: consume a topic from the earliest offset in a fresh group,
 * hand batches to `write`, and report. Protocol with the bench runner (bench/contenders/worker.ts):
 * prints `warm` on a line once `--warmup` records are written (the runner then starts producing at a
 * fixed rate), and at the end one JSON line with when the first and last record were written, the
 * latency (write time − produce time) of every record after the warm-up, CPU seconds and peak RSS.
 */

import { parseArgs } from 'node:util';
import { Consumer } from '@platformatic/kafka';
import type { PipelineRecord } from '../../src/core/plugin.ts';
import { readRecordsContiguously } from '../../src/kafka/contiguous-records.ts';
import { kafkaSourceOptions } from '../../src/sources/kafka/options.ts';

const FIRST_TICK_MS = 20;

export interface WorkerArgs {
  readonly brokers: string[];
  readonly topic: string;
  readonly group: string;
  readonly records: number;
  readonly warmup: number;
  readonly batchRecords: number;
  readonly lingerMs: number;
  /**
   * 0: batches of any partitions, one written while the next fills. N > 0: batches of one partition each,
   * up to N of different partitions written at once, like a sink declaring `concurrentPartitionBatches`
   * (the object stores, decision 0096), so both sides write the same objects.
   */
  readonly partitionBatches: number;
  readonly extra: Record<string, string | undefined>;
}

export function workerArgs(extra: readonly string[] = []): WorkerArgs {
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      group: { type: 'string' },
      records: { type: 'string' },
      warmup: { type: 'string', default: '0' },
      'batch-records': { type: 'string', default: '500' },
      linger: { type: 'string', default: '200' },
      'partition-batches': { type: 'string', default: '0' },
      ...Object.fromEntries(extra.map((k) => [k, { type: 'string' as const }])),
    },
  });
  const v = values as Record<string, string | undefined>;
  return {
    brokers: v['brokers']!.split(','),
    topic: v['topic']!,
    group: v['group']!,
    records: Number(v['records']),
    warmup: Number(v['warmup']),
    batchRecords: Number(v['batch-records']),
    lingerMs: Number(v['linger']),
    partitionBatches: Number(v['partition-batches']),
    extra: Object.fromEntries(extra.map((k) => [k, v[k]])),
  };
}

export interface RawMessage {
  readonly partition: number;
  readonly offset: bigint;
  readonly value: Buffer;
}

/** `write` receives batches (of at most batchRecords, flushed at latest after lingerMs); null = discard one by one. */
export async function consumeLoop(
  args: WorkerArgs,
  write: ((batch: RawMessage[]) => Promise<void>) | null,
): Promise<void> {
  // the fetch settings datapipe's kafka source uses by default, read from its schema: the limit is the
  // same client reading the same way (the library's defaults, 50 MB fetches, would let the first fetch
  // hold a whole test topic), and parsing each partition's records from one buffer as datapipe's clients do
  // (src/kafka/contiguous-records.ts, decision 0101)
  readRecordsContiguously();
  const defaults = kafkaSourceOptions.parse({ brokers: args.brokers, topics: [args.topic] });
  const consumer = new Consumer({
    clientId: 'datapipe-bench-raw',
    groupId: args.group,
    bootstrapBrokers: args.brokers,
    maxBytes: defaults.maxBytesPerFetch,
    maxWaitTime: defaults.maxWaitTime,
    highWaterMark: defaults.bufferedMessages,
  });
  const stream = await consumer.consume({ topics: [args.topic], mode: 'earliest', autocommit: 1000 });
  let count = 0;
  let firstAt = 0;
  /** Records written in the first 20 ms: like the runner's first poll of a watched process, they arrived
   * before the measured window (a fetch delivered as one burst) and are not counted in the rate. */
  let firstCount = 0;
  let lastAt = 0;
  let cpuAtFirst = 0;
  let cpuAtLast = 0;
  const cpuNow = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1e6;
  };
  const latencies: number[] = [];
  const written = (batch: readonly RawMessage[]) => {
    const now = Date.now();
    if (count === 0) {
      firstAt = now;
      cpuAtFirst = cpuNow();
    }
    for (const m of batch) {
      count++;
      if (count === args.warmup) process.stdout.write('warm\n');
      if (count > args.warmup && args.warmup > 0) {
        const ts = /"ts":(\d+)/.exec(m.value.toString('latin1', 0, 64))?.[1];
        latencies.push(now - Number(ts));
      }
    }
    lastAt = now;
    if (now - firstAt <= FIRST_TICK_MS) firstCount = count;
    if (count >= args.records) cpuAtLast = cpuNow();
  };

  const batcher =
    write === null
      ? undefined
      : args.partitionBatches > 0
        ? partitionBatcher(args, write, written)
        : sharedBatcher(args, write, written);
  let received = 0;
  for await (const message of stream) {
    const m = message as unknown as RawMessage;
    received++;
    if (batcher === undefined) written([m]);
    else await batcher.add(m, received >= args.records);
    if (received >= args.records) break;
  }
  await batcher?.end();
  await stream.close();
  await consumer.close(true);
  const cpuWindow = cpuAtLast - cpuAtFirst;
  process.stdout.write(
    `${JSON.stringify({
      count,
      firstAt,
      firstCount,
      lastAt,
      latencies,
      cpuSeconds: cpuWindow,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
}

interface RawBatcher {
  /** Takes a message; resolves when the loop may read the next one. `last`: seal everything now. */
  add(m: RawMessage, last: boolean): Promise<void>;
  /** Resolves once every batch is written; rejects with the first write's failure. */
  end(): Promise<void>;
}

type Written = (batch: readonly RawMessage[]) => void;

/** Batches of any partitions: one being written while the next one fills, the pipelining a sink writer allows. */
function sharedBatcher(
  args: WorkerArgs,
  write: (batch: RawMessage[]) => Promise<void>,
  written: Written,
): RawBatcher {
  let batch: RawMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const b = batch;
    batch = [];
    if (b.length === 0) return;
    writing = writing.then(async () => {
      await write(b);
      written(b);
    });
  };
  return {
    async add(m, last) {
      if (batch.length === 0) timer = setTimeout(flush, args.lingerMs);
      batch.push(m);
      if (batch.length >= args.batchRecords || last) {
        const previous = writing;
        flush();
        await previous;
      }
    },
    end: () => writing,
  };
}

/**
 * Batches of one partition each (sealed at `batchRecords` or after `linger`), written in order per
 * partition, up to `partitionBatches` at once: reading waits while that many are being written.
 */
function partitionBatcher(
  args: WorkerArgs,
  write: (batch: RawMessage[]) => Promise<void>,
  written: Written,
): RawBatcher {
  const filling = new Map<number, { messages: RawMessage[]; timer: NodeJS.Timeout }>();
  /** Per partition, its latest batch's write: the next one starts after it. */
  const tails = new Map<number, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const seal = (partition: number) => {
    const b = filling.get(partition);
    if (b === undefined) return;
    filling.delete(partition);
    clearTimeout(b.timer);
    const writing = (tails.get(partition) ?? Promise.resolve()).then(async () => {
      await write(b.messages);
      written(b.messages);
    });
    const settled = writing.then(
      () => {
        inFlight.delete(settled);
      },
      (err: unknown) => {
        failure ??= err;
        inFlight.delete(settled);
      },
    );
    tails.set(partition, settled);
    inFlight.add(settled);
  };
  const check = () => {
    if (failure !== undefined) throw failure;
  };
  return {
    async add(m, last) {
      let b = filling.get(m.partition);
      if (b === undefined) {
        b = { messages: [], timer: setTimeout(() => seal(m.partition), args.lingerMs) };
        filling.set(m.partition, b);
      }
      b.messages.push(m);
      if (last) for (const partition of [...filling.keys()]) seal(partition);
      else if (b.messages.length >= args.batchRecords) seal(m.partition);
      while (inFlight.size >= args.partitionBatches) await Promise.race(inFlight);
      check();
    },
    async end() {
      for (const partition of [...filling.keys()]) seal(partition);
      await Promise.all(inFlight);
      check();
    },
  };
}

/** Decodes raw messages the way a hand-written consumer would (UTF-8 JSON), for writers of bench/sinks. */
export function toPipelineRecords(batch: readonly RawMessage[]): PipelineRecord[] {
  return batch.map((m) => {
    const msg = m as RawMessage & { topic: string; key: Buffer | null; timestamp: bigint };
    return {
      position: { topic: msg.topic, partition: m.partition, offset: Number(m.offset) },
      key: msg.key ? msg.key.toString('utf8') : null,
      value: JSON.parse(m.value.toString('utf8')),
      headers: {},
      timestamp: Number(msg.timestamp),
      sizeBytes: m.value.length,
    };
  });
}
