/** The options of the `kafka` source: the shared connection fields plus what the consumer group needs. */
import { z } from 'zod';
import { duration } from '../../config/units.ts';
import { kafkaConnectionFields } from '../../kafka/connection.ts';

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

export const kafkaSourceOptions = z.object({
  ...kafkaConnectionFields,
  topics: z
    .array(z.string().regex(TOPIC, 'must be a Kafka topic name'))
    .min(1)
    .meta({
      description: 'Topics to consume, all in one consumer group.',
      examples: [['orders', 'payments']],
    }),
  groupId: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Consumer group id; defaults to the pipeline name.' }),
  startFrom: z.enum(['earliest', 'latest']).default('earliest').meta({
    description:
      'Where a group without committed offsets starts: the oldest retained record, or only new records. A group with commits always resumes from them.',
  }),
  sessionTimeout: duration()
    .default(30_000)
    .meta({ description: 'The broker drops a member that sends no heartbeat for this long.' }),
  rebalanceTimeout: duration().default(120_000).meta({
    description:
      'Longest a rebalance waits for members; a member must flush and commit its revoked partitions within it.',
  }),
  heartbeatInterval: duration().default(3_000).meta({ description: 'Time between heartbeats.' }),
  maxWaitTime: duration()
    .default(500)
    .meta({ description: 'Longest the broker holds a fetch while there is no new data.' }),
  maxBytesPerFetch: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024)
    .meta({
      description:
        'Upper bound of one fetch response, in bytes. With a cheap sink (null, a nearby HTTP service) 393216 gave 1.7–2× the records per CPU second; batching sinks do best with the default (decision 0085).',
    }),
  bufferedMessages: z.number().int().positive().default(2048).meta({
    description: 'Messages the client buffers ahead of the engine; fetching stops while this many wait.',
  }),
  lagInterval: duration()
    .default(10_000)
    .meta({ description: 'How often `datapipe_consumer_lag` is refreshed; 0 turns it off.' }),
});

export type KafkaSourceOptions = z.output<typeof kafkaSourceOptions>;
