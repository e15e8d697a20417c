/**
 * Where a Kafka pipeline's dead letters live: the `deadLetter` sink when it is of type `kafka`, else the
 * default `<pipeline>.dlq` topic on the source's cluster (the engine's default, src/runtime/prepare.ts).
 */
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import { FatalError } from '../core/errors.ts';
import type { KafkaConnection } from '../kafka/connection.ts';

export interface KafkaDeadLetterTarget {
  readonly connection: KafkaConnection;
  readonly topic: string;
  /** The consumer group of the pipeline's source. */
  readonly groupId: string;
}

interface KafkaFields extends KafkaConnection {
  readonly topic?: string;
  readonly topics?: readonly string[];
  readonly groupId?: string;
}

function connectionOf(c: KafkaFields): KafkaConnection {
  return {
    brokers: [...c.brokers],
    ...(c.clientId === undefined ? {} : { clientId: c.clientId }),
    ...(c.tls === undefined ? {} : { tls: c.tls }),
    ...(c.sasl === undefined ? {} : { sasl: c.sasl }),
  };
}

function defaultDeadLetterTopic(pipeline: string): string {
  return `${pipeline}.dlq`;
}

export function kafkaDeadLetterTarget(config: PipelineConfig): KafkaDeadLetterTarget {
  const source = config.source as unknown as KafkaFields & { type: string };
  const deadLetter = config.deadLetter as (KafkaFields & { type: string }) | undefined;
  const groupId = source.groupId ?? config.name;
  if (deadLetter !== undefined) {
    if (deadLetter.type !== 'kafka' || deadLetter.topic === undefined) {
      throw new FatalError(
        'DP_DLQ_NOT_KAFKA',
        `pipeline "${config.name}" dead-letters to a "${deadLetter.type}" sink; datapipe dlq works on Kafka dead-letter topics`,
      );
    }
    return { connection: connectionOf(deadLetter), topic: deadLetter.topic, groupId };
  }
  if (source.type !== 'kafka') {
    throw new FatalError(
      'DP_DLQ_NOT_KAFKA',
      `pipeline "${config.name}" has no Kafka dead-letter topic (its source is "${source.type}" and no deadLetter is set)`,
    );
  }
  return { connection: connectionOf(source), topic: defaultDeadLetterTopic(config.name), groupId };
}
