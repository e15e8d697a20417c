/**
 * Writes records to a Kafka topic with the idempotent producer (acks=all): key, value, headers and
 * timestamp carried over. The idempotent producer removes the duplicates of its own retries; a replay
 * after a crash (the engine re-reading records it had not committed) writes them again — Kafka offers
 * no upsert, so downstream readers that need exactly-once dedupe on the `datapipe.source.*` headers
 * (topic, partition, offset, and index for the copies of a fan-out).
 */
import { Admin, type MessageToProduce, ProduceAcks, Producer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { DataError, errorMessage, FatalError } from '../../core/errors.ts';
import type { PipelineRecord, PluginContext, Sink, SinkWriteResult } from '../../core/plugin.ts';
import { subIndex } from '../../core/record-identity.ts';
import { clientOptions, type KafkaClientOptions } from '../../kafka/connection.ts';
import { classifyKafkaError, hasKafkaApiError, isUnknownTopicError } from '../../kafka/errors.ts';
import { recordToHeaders } from '../../kafka/headers.ts';
import { encodeKey, encodeRecordValue } from './encode.ts';
import type { KafkaSinkOptions } from './options.ts';

/** Provenance of every written record, so that consumers of the topic can drop replayed duplicates. */
export const SOURCE_HEADER = {
  topic: 'datapipe.source.topic',
  partition: 'datapipe.source.partition',
  offset: 'datapipe.source.offset',
  /** Only on the second and later records a transform fanned one source record out to (docs/decisions/0016). */
  index: 'datapipe.source.index',
} as const;

const SOURCE_NAMES: ReadonlySet<string> = new Set(Object.values(SOURCE_HEADER));
/** The provenance header names as bytes, shared by every message (the producer only reads them). */
const SOURCE_KEYS = {
  topic: Buffer.from(SOURCE_HEADER.topic),
  partition: Buffer.from(SOURCE_HEADER.partition),
  offset: Buffer.from(SOURCE_HEADER.offset),
  index: Buffer.from(SOURCE_HEADER.index),
} as const;

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

export class KafkaSink implements Sink {
  readonly #opts: KafkaSinkOptions;
  readonly #client: KafkaClientOptions;
  readonly #log: Logger;
  #producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  /** The last source topic and its bytes (a batch is usually of one topic). */
  #sourceTopic: [string, Buffer] | undefined;
  /** The source partition numbers' header bytes, by number (shared: the producer only reads them). */
  readonly #partitionBytes: Buffer[] = [];

  constructor(opts: KafkaSinkOptions, ctx: PluginContext) {
    this.#opts = opts;
    this.#client = clientOptions(opts, ctx);
    this.#log = ctx.logger;
  }

  async connect(): Promise<void> {
    const producer =
      this.#producer ??
      new Producer<Buffer, Buffer, Buffer, Buffer>({
        ...this.#client,
        idempotent: true,
        acks: ProduceAcks.ALL,
        compression: this.#opts.compression,
        autocreateTopics: false,
      });
    this.#producer = producer;
    try {
      await producer.metadata({ topics: [this.#opts.topic] });
    } catch (err) {
      if (!isUnknownTopicError(err)) throw classifyKafkaError(err, 'connecting to Kafka');
      if (this.#opts.createTopic === undefined) {
        throw new FatalError(
          'DP_KAFKA_TOPIC_MISSING',
          `topic "${this.#opts.topic}" does not exist; create it, or set createTopic on the sink`,
        );
      }
      await this.#createTopic(this.#opts.createTopic);
    }
  }

  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    const producer = this.#producer;
    if (!producer) throw new FatalError('DP_KAFKA_NOT_CONNECTED', 'kafka sink written before connect()');
    const failed: Array<{ index: number; error: DataError }> = [];
    const messages: Message[] = [];
    batch.forEach((record, index) => {
      try {
        messages.push(this.#message(record));
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        failed.push({ index, error: err });
      }
    });
    if (messages.length > 0) {
      try {
        await producer.send({ messages });
      } catch (err) {
        throw classifyKafkaError(err, `writing to topic ${this.#opts.topic}`);
      }
    }
    return failed.length > 0 ? { failed } : undefined;
  }

  async close(): Promise<void> {
    try {
      await this.#producer?.close();
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, 'kafka producer did not close cleanly');
    }
    this.#producer = undefined;
  }

  #message(record: PipelineRecord): Message {
    const headers = this.#headers(record);
    const key = encodeKey(record);
    const value = encodeRecordValue(record, this.#opts.valueEncoding);
    return {
      topic: this.#opts.topic,
      ...(key === undefined ? {} : { key }),
      ...(value === undefined ? {} : { value }),
      headers,
      timestamp: BigInt(Math.trunc(record.timestamp)),
    };
  }

  /**
   * The record's headers, then the provenance headers, which replace any the record carried (a copy of a
   * copy). Built straight into the Map with the header names encoded once: one Map per record, no
   * intermediate object (the hot path).
   */
  #headers(record: PipelineRecord): Map<Buffer, Buffer> {
    const { topic, partition, offset } = record.position;
    const index = subIndex(record.position);
    const headers = recordToHeaders(record.headers, SOURCE_NAMES);
    if (this.#sourceTopic?.[0] !== topic) this.#sourceTopic = [topic, Buffer.from(topic)];
    headers.set(SOURCE_KEYS.topic, this.#sourceTopic[1]);
    let partitionBytes = this.#partitionBytes[partition];
    if (partitionBytes === undefined) {
      partitionBytes = Buffer.from(String(partition));
      this.#partitionBytes[partition] = partitionBytes;
    }
    headers.set(SOURCE_KEYS.partition, partitionBytes);
    headers.set(SOURCE_KEYS.offset, Buffer.from(String(offset)));
    if (index > 0) headers.set(SOURCE_KEYS.index, Buffer.from(String(index)));
    return headers;
  }

  async #createTopic(spec: NonNullable<KafkaSinkOptions['createTopic']>): Promise<void> {
    const admin = new Admin(this.#client);
    try {
      await admin.createTopics({
        topics: [this.#opts.topic],
        partitions: spec.partitions,
        replicas: spec.replicationFactor,
      });
      this.#log.info({ topic: this.#opts.topic, partitions: spec.partitions }, 'kafka topic created');
    } catch (err) {
      if (hasKafkaApiError(err, 'TOPIC_ALREADY_EXISTS')) return;
      throw classifyKafkaError(err, `creating topic ${this.#opts.topic}`);
    } finally {
      await admin.close().catch(() => {});
    }
  }
}
