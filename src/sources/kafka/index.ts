/** The `kafka` source plugin: a consumer group over one or more topics. The client loads on first use. */

import { lazySource } from '../../core/lazy-plugin.ts';
import type { PluginContext, Source, SourcePlugin } from '../../core/plugin.ts';
import { kafkaBinding } from '../../kafka/connection.ts';
import { kafkaSourceOptions } from './options.ts';

export const kafkaSource: SourcePlugin<typeof kafkaSourceOptions> = {
  type: 'kafka',
  description:
    'Consumes Kafka topics in a consumer group; commits only offsets whose records every required sink has written.',
  options: kafkaSourceOptions,
  binding: kafkaBinding,
  create: (options, ctx: PluginContext): Source =>
    lazySource(async () => new (await import('./source.ts')).KafkaSource(options, ctx)),
  probe: async (options, ctx) =>
    (await import('../../kafka/probe.ts')).probeKafka(options, ctx, {
      topics: options.topics,
      groupId: options.groupId ?? ctx.pipelineName,
    }),
};
