/**
 * Discards every record: for measuring the pipeline's own overhead (benchmarks) and for dry runs.
 * `delay` makes every write take that long, to stand in for a slow sink (backpressure tests).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { duration } from '../config/units.ts';
import type { PipelineRecord, Sink, SinkPlugin } from '../core/plugin.ts';

const options = z.object({
  delay: duration()
    .default(0)
    .meta({ description: 'Time every batch write takes, to simulate a slow sink. 0 returns at once.' }),
});

export const nullSink: SinkPlugin<typeof options> = {
  type: 'null',
  description:
    "Discards records (after an optional delay): measures the pipeline itself. With only null sinks, json values are not checked (invalid ones are not dead-lettered). Quote the name (`type: 'null'`): unquoted, YAML reads `null` as no value.",
  options,
  // with only null sinks, json values are not even checked at decode (decision 0077)
  ignoresValues: true,
  create: (opts): Sink => ({
    connect: async () => {},
    write: async (_batch: readonly PipelineRecord[]) => {
      if (opts.delay > 0) await sleep(opts.delay);
      return undefined;
    },
    close: async () => {},
  }),
};
