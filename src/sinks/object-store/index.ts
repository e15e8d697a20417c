/** The `object-store` sink: records as objects in a folder, S3 or Azure Blob, named after their offsets. */
import type { SinkPlugin } from '../../core/plugin.ts';
import { objectStoreOptions, objectStoreProblems } from './options.ts';
import { ObjectStoreSink } from './sink.ts';

export const objectStoreSink: SinkPlugin<typeof objectStoreOptions> = {
  type: 'object-store',
  description:
    'Writes batches as JSONL (gzip/zstd) or Parquet objects to a folder, S3 or Azure Blob, named after their offsets so replays rewrite nothing twice.',
  options: objectStoreOptions,
  check: objectStoreProblems,
  create: (opts, ctx) => new ObjectStoreSink(opts, ctx),
};
