/** Writes records as MongoDB documents, keyed so that a replay rewrites instead of duplicating. */
import type { Sink, SinkPlugin } from '../../runtime/plugin.ts';
import { mongodbOptions } from './options.ts';
import { MongodbSink } from './sink.ts';

export const mongodbSink: SinkPlugin<typeof mongodbOptions> = {
  type: 'mongodb',
  description:
    'Writes records as documents of a MongoDB collection with unordered bulk writes (upsert by _id).',
  options: mongodbOptions,
  create: (options, ctx): Sink => new MongodbSink(options, ctx),
};
