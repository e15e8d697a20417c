/** The options of the `http` sink: the single source of its validation, types and docs. */
import { z } from 'zod';
import { duration } from '../../config/units.ts';

export const httpOptions = z.object({
  url: z
    .url({ protocol: /^https?$/ })
    .meta({ description: 'Where each batch is POSTed.', examples: ['https://ingest.example.com/v1/orders'] }),
  format: z.enum(['json', 'ndjson']).default('json').meta({
    description:
      'json: the batch as one JSON array (application/json); ndjson: one JSON document per line (application/x-ndjson).',
  }),
  fields: z.enum(['value', 'record']).default('value').meta({
    description: 'value: send each record value; record: also its key, headers, timestamp and position.',
  }),
  headers: z.record(z.string(), z.string()).default({}).meta({
    description: `Request headers; put secrets in references: { Authorization: "Bearer \${API_TOKEN}" }.`,
  }),
  idempotencyHeader: z.string().min(1).default('Idempotency-Key').meta({
    description:
      'Header carrying a key derived from the batch (first and last positions, count): a replayed batch carries the same key, so the receiver can drop it.',
  }),
  timeout: duration().default(30_000).meta({ description: 'Per request; past it the batch is retried.' }),
});

export type HttpOptions = z.output<typeof httpOptions>;
