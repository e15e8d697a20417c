/** The `kafka` source plugin: a consumer group over one or more topics. */
import type { PluginContext, Source, SourcePlugin } from '../../runtime/plugin.ts';
import { kafkaSourceOptions } from './options.ts';
import { KafkaSource } from './source.ts';

export const kafkaSource: SourcePlugin<typeof kafkaSourceOptions> = {
  type: 'kafka',
  description:
    'Consumes Kafka topics in a consumer group; commits only offsets whose records every required sink has written.',
  options: kafkaSourceOptions,
  create: (options, ctx: PluginContext): Source => new KafkaSource(options, ctx),
};
