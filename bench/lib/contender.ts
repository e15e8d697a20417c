/**
 * A contender is one thing that moves records out of a topic (the bare client, datapipe with a sink,
 * Kafka Connect, a raw driver). It runs as its own process; the runner starts it, waits until it has
 * written a number of records, and reads what it measured.
 */
import type { KafkaTarget } from './kafka.ts';

export interface RunInput {
  readonly kafka: KafkaTarget;
  readonly topic: string;
  /** A fresh consumer group: every run starts from the earliest offset. */
  readonly group: string;
  /** Records the run ends after (warm-up included). */
  readonly records: number;
  /** Records that only warm up (latency runs); 0 for a throughput run. */
  readonly warmup: number;
  /** Folder for this run's logs, config and output. */
  readonly dir: string;
  /** Free TCP port the contender may listen on (metrics, REST). */
  readonly port: number;
}

export interface Measurement {
  /** Epoch ms when the process was started. */
  readonly spawnAt: number;
  /** Epoch ms when the first and the last record were written (seen written). */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Records per second between the first and the last record. */
  readonly recordsPerSec: number;
  /** Records written between the first and the last record's time (the rate's numerator). */
  readonly windowRecords: number;
  /** CPU seconds the process used between the first and the last record. */
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  /** Latency (ms) of every record after the warm-up, when the run produced at a fixed rate. */
  readonly latencies?: readonly number[];
}

export interface Running {
  /** Resolves once at least `n` records are written; rejects if the process dies or the time runs out. */
  reached(n: number, timeoutMs: number): Promise<void>;
  /** After `reached(records)`: stops the process and returns its measurements. */
  finish(produced?: Float64Array): Promise<Measurement>;
  /** Stops the process (after a failure). */
  kill(): Promise<void>;
}

export interface Contender {
  /** Stable id used in results: `kafka-client`, `datapipe-null`, `kafka-connect-file`, ... */
  readonly id: string;
  /** What it writes to, for the table. */
  readonly description: string;
  start(input: RunInput): Promise<Running>;
}
