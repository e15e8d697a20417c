/**
 * Synthetic records for demos and benchmarks. Record N (global index = offset × partitions + partition) is
 * a pure function of N and the seed, timestamps included, so a replay after a crash is byte-identical and
 * every sink can be checked against the same expected data. Progress is checkpointed like the file source.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { duration } from '../config/units.ts';
import type {
  PluginContext,
  Source,
  SourceContext,
  SourceMessage,
  SourcePlugin,
  SourcePosition,
} from '../core/plugin.ts';
import { CheckpointFile } from './checkpoint.ts';
import { chunkSizeOption, topicOption } from './embedded-options.ts';
import { templates } from './generator-templates.ts';

const options = z.object({
  template: z.enum(['orders', 'sequence']).default('orders').meta({
    description:
      'orders: realistic e-commerce order events (about 1.5% with `test: true`); sequence: `{seq, at}`.',
  }),
  topic: topicOption('the template name'),
  count: z.number().int().nonnegative().optional().meta({
    description: 'Total records across all partitions, then the source ends; unbounded when absent.',
  }),
  rate: z.number().nonnegative().default(0).meta({
    description: 'Records per second across all partitions; 0 = as fast as the pipeline takes them.',
  }),
  partitions: z
    .number()
    .int()
    .positive()
    .default(1)
    .meta({ description: 'Partitions to spread records over.' }),
  seed: z
    .number()
    .int()
    .default(1)
    .meta({ description: 'Changes the generated values, not their number or order.' }),
  startTime: z.iso
    .datetime({ offset: true })
    .default('2026-01-01T00:00:00Z')
    .meta({ description: 'Timestamp of record 0; record N is `startTime + N × interval`.' }),
  interval: duration()
    .default(1000)
    .meta({ description: 'Time between the timestamps of consecutive records.' }),
  chunkSize: chunkSizeOption(1000, 'Records'),
});

type GeneratorOptions = z.output<typeof options>;

interface GeneratorCheckpoint {
  /** Per partition, the next offset to generate. */
  readonly next: number[];
}

/** With a rate, deliver at least this often so the output is smooth rather than bursty. */
const RATE_TICKS_PER_SECOND = 20;

class GeneratorSource implements Source {
  readonly #opts: GeneratorOptions;
  readonly #topic: string;
  readonly #checkpoint: CheckpointFile<GeneratorCheckpoint>;
  readonly #committed: number[];
  readonly #stopping = new AbortController();
  readonly #startMs: number;

  constructor(opts: GeneratorOptions, ctx: PluginContext) {
    this.#opts = opts;
    this.#topic = opts.topic ?? opts.template;
    this.#checkpoint = new CheckpointFile(ctx.stateDir, `generator-${this.#topic}`);
    this.#committed = new Array<number>(opts.partitions).fill(0);
    this.#startMs = Date.parse(opts.startTime);
  }

  /** The message at (partition, offset): the same on every run. */
  message(partition: number, offset: number): SourceMessage {
    const index = offset * this.#opts.partitions + partition;
    const timestamp = this.#startMs + index * this.#opts.interval;
    const record = templates[this.#opts.template](index, this.#opts.seed, timestamp);
    return {
      topic: this.#topic,
      partition,
      offset,
      key: Buffer.from(record.key),
      value: Buffer.from(JSON.stringify(record.value)),
      headers: {},
      timestamp,
    };
  }

  async run(ctx: SourceContext): Promise<void> {
    const signal = AbortSignal.any([ctx.signal, this.#stopping.signal]);
    const saved = await this.#checkpoint.read();
    const partitions = this.#opts.partitions;
    const next = this.#committed.map((_, p) => saved?.next[p] ?? 0);
    this.#committed.splice(0, partitions, ...next);
    const limits = next.map((_, p) => this.#limit(p));
    const rate = this.#opts.rate;
    const chunk =
      rate > 0
        ? Math.max(1, Math.min(this.#opts.chunkSize, Math.ceil(rate / RATE_TICKS_PER_SECOND)))
        : this.#opts.chunkSize;
    const perPartition = Math.max(1, Math.ceil(chunk / partitions));
    const started = performance.now();
    let emitted = 0;

    while (!signal.aborted) {
      const messages: SourceMessage[] = [];
      for (let p = 0; p < partitions; p++) {
        const end = Math.min(limits[p]!, next[p]! + perPartition);
        for (let o = next[p]!; o < end; o++) messages.push(this.message(p, o));
        next[p] = Math.max(next[p]!, end);
      }
      if (messages.length === 0) return;
      if (rate > 0) {
        const due = started + ((emitted + messages.length) / rate) * 1000 - performance.now();
        if (due > 0) await sleep(due, undefined, { signal }).catch(() => {});
        if (signal.aborted) return;
      }
      emitted += messages.length;
      await ctx.deliver(messages);
    }
  }

  async commit(positions: readonly SourcePosition[]): Promise<void> {
    let changed = false;
    for (const p of positions) {
      if (p.topic !== this.#topic || p.partition >= this.#committed.length) continue;
      if (p.offset > this.#committed[p.partition]!) {
        this.#committed[p.partition] = p.offset;
        changed = true;
      }
    }
    if (changed) await this.#checkpoint.write({ next: [...this.#committed] });
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
  }

  async close(): Promise<void> {}

  /** Offsets of partition p are those whose global index is below `count`. */
  #limit(partition: number): number {
    const count = this.#opts.count;
    if (count === undefined) return Number.POSITIVE_INFINITY;
    return Math.max(0, Math.ceil((count - partition) / this.#opts.partitions));
  }
}

export const generatorSource: SourcePlugin<typeof options> = {
  type: 'generator',
  description:
    'Generates deterministic synthetic records (order events) at a given rate, for demos and benchmarks.',
  options,
  create: (opts, ctx) => new GeneratorSource(opts, ctx),
};
