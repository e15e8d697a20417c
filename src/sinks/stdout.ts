/** Writes each record as one JSON line to standard output: for trying pipelines out and for debugging. */
import { z } from 'zod';
import type { PipelineRecord, Sink, SinkPlugin } from '../core/plugin.ts';

const options = z.object({
  fields: z.enum(['value', 'record']).default('value').meta({
    description: 'value: print only the record value; record: also its key, headers, timestamp and position.',
  }),
});

export const stdoutSink: SinkPlugin<typeof options> = {
  type: 'stdout',
  description: 'Prints records as JSON lines on standard output.',
  options,
  create: (opts): Sink => ({
    connect: async () => {},
    write: async (batch: readonly PipelineRecord[]) => {
      const lines = batch.map((r) => JSON.stringify(opts.fields === 'value' ? r.value : r)).join('\n');
      if (!process.stdout.write(`${lines}\n`)) {
        await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
      }
      return undefined;
    },
    close: async () => {},
  }),
};
