/** Writes records as MongoDB documents, keyed so that a replay rewrites instead of duplicating. */
import { lazySink } from '../../core/lazy-plugin.ts';
import type { Sink, SinkPlugin } from '../../core/plugin.ts';
import { checkMongodbOptions, mongodbOptions, mongodbProblems } from './options.ts';

export const mongodbSink: SinkPlugin<typeof mongodbOptions> = {
  type: 'mongodb',
  description:
    'Writes records as documents of a MongoDB collection with unordered bulk writes (upsert by _id).',
  options: mongodbOptions,
  check: mongodbProblems,
  binding: { field: 'connection', type: 'mongodb', fields: ['uri'] },
  // The `mongodb` driver is loaded only when a pipeline uses this sink.
  create: (options, ctx): Sink => {
    checkMongodbOptions(options, ctx.name);
    return lazySink(async () => new (await import('./sink.ts')).MongodbSink(options, ctx));
  },
  probe: async (options, ctx) => (await import('./probe.ts')).probeMongodb(options, ctx),
};
