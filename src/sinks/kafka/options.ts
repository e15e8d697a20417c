/** The options of the `kafka` sink (also the dead-letter destination of Kafka pipelines). */
import { z } from 'zod';
import { kafkaConnectionFields } from '../../kafka/connection.ts';

export const kafkaSinkOptions = z.object({
  ...kafkaConnectionFields,
  topic: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name')
    .meta({ description: 'The topic records are written to.' }),
  valueEncoding: z.enum(['json', 'string', 'bytes']).default('json').meta({
    description:
      'How the record value becomes bytes: json (JSON text), string (UTF-8 text) or bytes (a Buffer as is). A value that is already bytes (e.g. the original value of a dead-lettered record) is always written unchanged.',
  }),
  compression: z
    .enum(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
    .default('none')
    .meta({ description: 'Compression of produced batches.' }),
  createTopic: z
    .strictObject({
      partitions: z.number().int().positive().default(1),
      replicationFactor: z.number().int().positive().default(1),
    })
    .optional()
    .meta({
      description:
        'Create the topic on connect when it does not exist (brokers usually forbid auto-creation).',
    }),
});

export type KafkaSinkOptions = z.output<typeof kafkaSinkOptions>;
