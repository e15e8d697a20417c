/**
 * The pipeline's Prometheus metrics. One registry per run (not prom-client's global one), so that
 * several pipelines in one process, as in tests, keep their own counts.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class PipelineMetrics {
  readonly registry = new Registry();
  readonly recordsIn: Counter<'pipeline'>;
  readonly recordsOut: Counter<'pipeline' | 'sink'>;
  readonly recordsFiltered: Counter<'pipeline'>;
  readonly deadLettered: Counter<'pipeline' | 'stage'>;
  readonly batchWriteSeconds: Histogram<'pipeline' | 'sink'>;
  readonly writeRetries: Counter<'pipeline' | 'sink'>;
  readonly inFlightBytes: Gauge<'pipeline'>;
  readonly inFlightBudgetBytes: Gauge<'pipeline'>;
  readonly pausedPartitions: Gauge<'pipeline'>;
  readonly committedOffset: Gauge<'pipeline' | 'topic' | 'partition'>;
  readonly consumerLag: Gauge<'pipeline' | 'topic' | 'partition'>;

  readonly pipeline: string;

  constructor(pipeline: string) {
    this.pipeline = pipeline;
    const registers = [this.registry];
    this.recordsIn = new Counter({
      name: 'datapipe_records_in_total',
      help: 'Records read from the source.',
      labelNames: ['pipeline'],
      registers,
    });
    this.recordsOut = new Counter({
      name: 'datapipe_records_out_total',
      help: 'Records durably written, per sink.',
      labelNames: ['pipeline', 'sink'],
      registers,
    });
    this.recordsFiltered = new Counter({
      name: 'datapipe_records_filtered_total',
      help: 'Records dropped by a filter transform.',
      labelNames: ['pipeline'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'datapipe_records_dead_lettered_total',
      help: 'Records sent to the dead-letter destination, by the stage that failed.',
      labelNames: ['pipeline', 'stage'],
      registers,
    });
    this.batchWriteSeconds = new Histogram({
      name: 'datapipe_batch_write_duration_seconds',
      help: 'Time to write one batch to a sink, retries included.',
      labelNames: ['pipeline', 'sink'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.writeRetries = new Counter({
      name: 'datapipe_sink_write_retries_total',
      help: 'Batch writes retried after a retryable error.',
      labelNames: ['pipeline', 'sink'],
      registers,
    });
    this.inFlightBytes = new Gauge({
      name: 'datapipe_in_flight_bytes',
      help: 'Bytes of records read but not yet committed.',
      labelNames: ['pipeline'],
      registers,
    });
    this.inFlightBudgetBytes = new Gauge({
      name: 'datapipe_in_flight_budget_bytes',
      help: 'The in-flight byte budget in force: limits.maxInFlightBytes, or three of the largest sink batch.maxBytes (at least 4 MiB) if smaller.',
      labelNames: ['pipeline'],
      registers,
    });
    this.pausedPartitions = new Gauge({
      name: 'datapipe_paused_partitions',
      help: 'Partitions whose reading is paused because the byte budget is full.',
      labelNames: ['pipeline'],
      registers,
    });
    this.committedOffset = new Gauge({
      name: 'datapipe_committed_offset',
      help: 'Last committed offset (next to read), per partition.',
      labelNames: ['pipeline', 'topic', 'partition'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'datapipe_consumer_lag',
      help: 'Records between the committed offset and the end of the partition.',
      labelNames: ['pipeline', 'topic', 'partition'],
      registers,
    });
  }
}
