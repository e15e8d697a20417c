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
      partitions: z
        .number()
        .int()
        .min(-1)
        .refine((n) => n !== 0, 'must be positive, or -1 for the broker default')
        .default(-1)
        .meta({ description: "Partitions of the new topic; -1 takes the broker's num.partitions." }),
      replicationFactor: z
        .number()
        .int()
        .min(-1)
        .refine((n) => n !== 0, 'must be positive, or -1 for the broker default')
        .default(-1)
        .meta({
          description: "Replicas of the new topic; -1 takes the broker's default.replication.factor.",
        }),
    })
    .optional()
    .meta({
      description:
        'Create the topic on connect when it does not exist (brokers usually forbid auto-creation).',
    }),
});

export type KafkaSinkOptions = z.output<typeof kafkaSinkOptions>;
