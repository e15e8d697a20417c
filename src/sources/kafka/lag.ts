/**
 * `datapipe_consumer_lag` per assigned partition: the end of the partition (high watermark) minus the
 * group's committed offset. Refreshed on a timer; a failed refresh keeps the last figures and logs once.
 */
import type { Consumer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { errorMessage } from '../../core/errors.ts';
import type { PluginMetrics, SourcePosition } from '../../core/plugin.ts';
import { partitionKey } from '../../core/record.ts';

export class ConsumerLag {
  readonly #consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  readonly #metrics: PluginMetrics;
  readonly #log: Logger;
  readonly #interval: number;
  /** Offsets this member committed: fresher than asking the broker. */
  readonly #committed = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(
    consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
    metrics: PluginMetrics,
    log: Logger,
    interval: number,
  ) {
    this.#consumer = consumer;
    this.#metrics = metrics;
    this.#log = log;
    this.#interval = interval;
  }

  start(): void {
    this.#timer = setTimeout(() => {
      void this.refresh().finally(() => this.#timer?.refresh());
    }, this.#interval);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  committed(positions: readonly SourcePosition[]): void {
    for (const p of positions) this.#committed.set(partitionKey(p), p.offset);
  }

  async refresh(): Promise<void> {
    const assignments = this.#consumer.assignments ?? [];
    if (assignments.length === 0 || !this.#consumer.isActive()) return;
    try {
      const partitions = Object.fromEntries(assignments.map((a) => [a.topic, [...a.partitions]]));
      const ends = await this.#consumer.listOffsets({ topics: Object.keys(partitions), partitions });
      const fromBroker = await this.#consumer.listCommittedOffsets({
        topics: assignments.map((a) => ({ topic: a.topic, partitions: [...a.partitions] })),
      });
      const pipeline = this.#metrics.pipeline;
      for (const a of assignments) {
        for (const partition of a.partitions) {
          const end = ends.get(a.topic)?.[partition];
          const key = partitionKey({ topic: a.topic, partition });
          const committed = this.#committed.get(key) ?? Number(fromBroker.get(a.topic)?.[partition] ?? -1n);
          if (end === undefined || committed < 0) continue;
          const lag = Math.max(0, Number(end) - committed);
          this.#metrics.consumerLag.set({ pipeline, topic: a.topic, partition: String(partition) }, lag);
        }
      }
      this.#failing = false;
    } catch (err) {
      if (!this.#failing) this.#log.warn({ err: errorMessage(err) }, 'consumer lag could not be measured');
      this.#failing = true;
    }
  }
}
