/** POSTs batches of records to an HTTP endpoint, with an idempotency key per batch. */
import type { Sink, SinkPlugin } from '../../core/plugin.ts';
import { httpOptions } from './options.ts';
import { HttpSink } from './sink.ts';

export const httpSink: SinkPlugin<typeof httpOptions> = {
  type: 'http',
  description: 'POSTs each batch as a JSON array or NDJSON to an HTTP endpoint, retrying 408/429/5xx.',
  options: httpOptions,
  create: (options): Sink => new HttpSink(options),
  probe: async (options) => (await import('./probe.ts')).probeHttp(options),
};
