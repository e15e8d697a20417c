/**
 * A Kafka consumer-group source. Manual commits only, of exactly the offsets the engine passes to
 * `commit()`. Backpressure: messages are pulled from the client's bounded buffer only after the
 * previous `deliver` resolved, so a slow sink stops fetching instead of growing the heap.
 * Rebalances (classic eager protocol): the client calls `protocolsMetadata` before every JoinGroup,
 * i.e. before this member gives its partitions up; we use it as the "partitions revoked" hook and
 * drain (write + commit) every partition we own before the join is sent.
 */
import { Consumer, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { DatapipeError } from '../../core/errors.ts';
import { errorMessage } from '../../core/errors.ts';
import type { PluginContext, Source, SourceContext, SourcePosition } from '../../core/plugin.ts';
import { partitionKey } from '../../core/record.ts';
import { clientOptions } from '../../kafka/connection.ts';
import { classifyKafkaError, isKafkaAuthError } from '../../kafka/errors.ts';
import { ConsumerLag } from './lag.ts';
import { type RawMessage, toSourceMessages } from './messages.ts';
import type { KafkaSourceOptions } from './options.ts';
import { readBatch } from './read-batch.ts';

type RawConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type RawStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type TopicPartition = { topic: string; partition: number };

const MAX_DELIVER = 1000;

export class KafkaSource implements Source {
  readonly #opts: KafkaSourceOptions;
  readonly #plugin: PluginContext;
  readonly #log: Logger;
  readonly #consumer: RawConsumer;
  readonly #stopping = new AbortController();
  /** Aborted when the client hits an error no retry can fix (a failed login): the run must stop. */
  readonly #fatal = new AbortController();
  /** Per partition: the offset after the last one delivered. Older offsets read again are duplicates. */
  readonly #next = new Map<string, number>();
  readonly #leaderEpochs = new Map<string, number>();
  #ctx: SourceContext | undefined;
  #stream: RawStream | undefined;
  /** Set from "partitions revoked" until the new assignment: reading waits, nothing stale is delivered. */
  #rebalancing: PromiseWithResolvers<void> | undefined;
  #lag: ConsumerLag | undefined;
  #assigned: Set<string> = new Set();
  #assignedFrom: RawConsumer['assignments'] | undefined;

  constructor(opts: KafkaSourceOptions, ctx: PluginContext) {
    this.#opts = opts;
    this.#plugin = ctx;
    this.#log = ctx.logger;
    this.#consumer = new Consumer({
      ...clientOptions(opts, ctx),
      // A broker restart must not end the run: retry retriable errors until it is back (auth errors are not retriable).
      retries: true,
      retryDelay: (_client, operation, attempt, _retries, error) => {
        // The client retries a failed login like a network error (it nests the reason in a NetworkError).
        if (isKafkaAuthError(error) && !this.#fatal.signal.aborted) {
          this.#fatal.abort(classifyKafkaError(error, `kafka ${operation}`));
        }
        return Math.min(200 * 2 ** Math.min(attempt, 5), 5_000);
      },
      groupId: opts.groupId ?? ctx.pipelineName,
      autocommit: false,
      sessionTimeout: opts.sessionTimeout,
      rebalanceTimeout: opts.rebalanceTimeout,
      heartbeatInterval: opts.heartbeatInterval,
      maxWaitTime: opts.maxWaitTime,
      maxBytes: opts.maxBytesPerFetch,
      highWaterMark: opts.bufferedMessages,
      protocolsMetadata: () => this.#beforeJoin(),
    });
    this.#consumer.on('consumer:group:join', (payload) => this.#onAssigned(payload.assignments ?? []));
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#ctx = ctx;
    const signal = AbortSignal.any([ctx.signal, this.#stopping.signal, this.#fatal.signal]);
    let stream: RawStream;
    try {
      stream = await untilAborted(
        this.#consumer.consume({
          topics: [...this.#opts.topics],
          mode: 'committed',
          fallbackMode: this.#opts.startFrom,
          autocommit: false,
        }),
        this.#fatal.signal,
      );
    } catch (err) {
      throw classifyKafkaError(err, `joining consumer group of topics ${this.#opts.topics.join(', ')}`);
    }
    this.#stream = stream;
    // A permanent 'readable' listener keeps the stream in pull mode: the client's own pause()/resume()
    // around rebalances then cannot switch it to flowing mode and drop messages on the floor.
    stream.on('readable', () => {});
    if (this.#plugin.metrics && this.#opts.lagInterval > 0) {
      this.#lag = new ConsumerLag(this.#consumer, this.#plugin.metrics, this.#log, this.#opts.lagInterval);
      this.#lag.start();
    }
    try {
      for (;;) {
        if (this.#rebalancing) await this.#rebalancing.promise;
        const batch = await readBatch<RawMessage>(stream, MAX_DELIVER, signal);
        if (this.#fatal.signal.aborted) throw this.#fatal.signal.reason;
        if (batch === null) return;
        const fresh = this.#fresh(batch);
        // Nothing more buffered: the engine may write what it holds now instead of waiting for `linger`.
        if (fresh.length > 0)
          await ctx.deliver(toSourceMessages(fresh), { caughtUp: stream.readableLength === 0 });
      }
    } catch (err) {
      if (this.#fatal.signal.aborted) throw this.#fatal.signal.reason;
      if (signal.aborted) return;
      throw classifyKafkaError(err, 'consuming');
    } finally {
      this.#lag?.stop();
    }
  }

  async commit(positions: readonly SourcePosition[]): Promise<void> {
    if (positions.length === 0) return;
    const offsets = positions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: BigInt(p.offset),
      leaderEpoch: this.#leaderEpochs.get(partitionKey(p)) ?? -1,
    }));
    try {
      await this.#consumer.commit({ offsets });
    } catch (err) {
      const classified = classifyKafkaError(err, 'committing offsets');
      if (isGenerationError(err)) {
        // This member was fenced out of the group (e.g. after a broker restart): the commit can never
        // succeed. Not committing only means these records are read again after the rejoin — a replay,
        // which idempotent sinks absorb — so this is not an error for the engine to retry forever.
        this.#log.warn(
          { err: classified.toJSON(), partitions: positions.map((p) => partitionKey(p)) },
          'offsets not committed: this member is no longer in the group generation; they will be read again',
        );
        return;
      }
      throw classified;
    }
    this.#lag?.committed(positions);
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    // The client's own pause(): its fetch loop stops (what is buffered stays until close()).
    this.#stream?.pause();
    this.#rebalancing?.resolve();
  }

  async close(): Promise<void> {
    this.#stopping.abort();
    this.#lag?.stop();
    try {
      await this.#stream?.close();
      await this.#consumer.close(true);
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, 'kafka consumer did not close cleanly');
    }
  }

  /**
   * The partitions assigned now, as `topic/partition` keys. The client replaces its `assignments` array
   * on every rebalance (it never mutates it), so the set is rebuilt only when that array changes, not
   * for every fetched batch (it showed in the profile).
   */
  #assignedPartitions(): ReadonlySet<string> {
    const current = this.#consumer.assignments;
    if (current !== this.#assignedFrom) {
      this.#assigned = new Set<string>();
      for (const a of current ?? []) {
        for (const partition of a.partitions) this.#assigned.add(partitionKey({ topic: a.topic, partition }));
      }
      this.#assignedFrom = current;
    }
    return this.#assigned;
  }

  /**
   * Drops what must not reach the engine: partitions not assigned now, and offsets already delivered.
   * A fetch holds runs of one partition, so the partition's state is looked up once per run, not per record.
   */
  #fresh(batch: RawMessage[]): RawMessage[] {
    const assigned = this.#assignedPartitions();
    const out: RawMessage[] = [];
    let topic: string | undefined;
    let partition = -1;
    let key = '';
    let owned = false;
    let next = -1;
    let epoch: number | undefined;
    const flush = () => {
      if (epoch === undefined) return; // nothing of this run delivered
      this.#next.set(key, next);
      this.#leaderEpochs.set(key, epoch);
    };
    for (const m of batch) {
      if (m.partition !== partition || m.topic !== topic) {
        flush();
        topic = m.topic;
        partition = m.partition;
        key = partitionKey(m);
        owned = assigned.has(key);
        next = this.#next.get(key) ?? -1;
        epoch = undefined;
      }
      if (!owned) continue;
      const offset = Number(m.offset);
      if (offset < next) continue;
      next = offset + 1;
      epoch = m.leaderEpoch;
      out.push(m);
    }
    flush();
    return out;
  }

  /** Called by the client before each JoinGroup: every partition we own is about to be revoked. */
  async #beforeJoin(): Promise<Buffer> {
    const owned: TopicPartition[] = (this.#consumer.assignments ?? []).flatMap((a) =>
      a.partitions.map((partition) => ({ topic: a.topic, partition })),
    );
    const ctx = this.#ctx;
    if (owned.length === 0 || ctx === undefined || this.#stopping.signal.aborted) return Buffer.alloc(0);
    this.#rebalancing ??= Promise.withResolvers<void>();
    this.#log.info({ partitions: owned.map(partitionKey) }, 'rebalance: draining revoked partitions');
    // The group waits for us at most rebalanceTimeout; past that we would be evicted anyway.
    const limit = Math.max(1_000, this.#opts.rebalanceTimeout - 5_000);
    const timeout = AbortSignal.timeout(limit);
    try {
      await Promise.race([
        ctx.drainPartitions(owned),
        new Promise((_, reject) => timeout.addEventListener('abort', () => reject(timeout.reason))),
      ]);
      this.#log.info({ partitions: owned.length }, 'rebalance: revoked partitions flushed and committed');
    } catch (err) {
      // Joining late would get us evicted; what is not committed is read again by the next owner.
      this.#log.warn(
        { err: errorMessage(err) },
        'rebalance: could not drain revoked partitions; rejoining anyway',
      );
    }
    return Buffer.alloc(0);
  }

  #onAssigned(assignments: ReadonlyArray<{ topic: string; partitions: number[] }>): void {
    // Messages fetched before the rebalance may still sit in the stream's buffer. They must NOT be
    // dropped: for a partition we keep, the client goes on fetching after them, not from the committed
    // offset, so dropping them lost records (the chaos harness showed it after a broker restart).
    // `#fresh` already filters them: partitions no longer ours are skipped, offsets already delivered too.
    this.#log.info(
      {
        partitions: assignments.flatMap((a) =>
          a.partitions.map((p) => partitionKey({ topic: a.topic, partition: p })),
        ),
      },
      'partitions assigned',
    );
    const waiting = this.#rebalancing;
    this.#rebalancing = undefined;
    waiting?.resolve();
  }
}

/** Resolves like `promise`, or rejects with the abort reason (a DatapipeError) once `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as DatapipeError);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const GENERATION_ERRORS = new Set([
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
]);

function isGenerationError(err: unknown): boolean {
  return apiErrorIds(err).some((id) => GENERATION_ERRORS.has(id));
}

/** The broker error names in an error, its aggregated errors and its causes. */
function apiErrorIds(err: unknown): string[] {
  if (!(err instanceof Error)) return [];
  const own = 'apiId' in err && typeof err.apiId === 'string' ? [err.apiId] : [];
  const inner = err instanceof AggregateError ? err.errors.flatMap(apiErrorIds) : [];
  return [...own, ...inner, ...apiErrorIds(err.cause)];
}
