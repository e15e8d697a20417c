/** The `kafka` sink plugin: topic to topic, and the dead-letter topic of Kafka pipelines. The client loads on first use. */

import { lazySink } from '../../core/lazy-plugin.ts';
import type { PluginContext, Sink, SinkPlugin } from '../../core/plugin.ts';
import { kafkaBinding } from '../../kafka/connection.ts';
import { kafkaSinkOptions } from './options.ts';

export const kafkaSink: SinkPlugin<typeof kafkaSinkOptions> = {
  type: 'kafka',
  description:
    'Writes records to a Kafka topic with the idempotent producer (acks=all), keys and headers kept.',
  options: kafkaSinkOptions,
  binding: kafkaBinding,
  create: (options, ctx: PluginContext): Sink =>
    lazySink(async () => new (await import('./sink.ts')).KafkaSink(options, ctx)),
  probe: async (options, ctx) =>
    (await import('../../kafka/probe.ts')).probeKafka(options, ctx, {
      topics: [options.topic],
      createsTopics: options.createTopic !== undefined,
    }),
};
