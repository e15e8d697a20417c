/**
 * The `object-store` sink: records as objects in a folder, S3, Azure Blob or Google Cloud Storage, named
 * after their offsets. Built from the drivers the composition root registers (src/cli/plugins.ts).
 */
import type { SinkPlugin } from '../../core/plugin.ts';
import type { DriverRegistry } from './drivers/index.ts';
import {
  OBJECT_BATCH_DEFAULTS,
  OBJECT_PARTITION_BATCHES,
  OBJECT_STORE_BINDING_FIELDS,
  objectStoreOptions,
  objectStoreProblems,
} from './options.ts';
import { ObjectStoreSink } from './sink.ts';

export function objectStoreSink(drivers: DriverRegistry): SinkPlugin<typeof objectStoreOptions> {
  return {
    type: 'object-store',
    description:
      'Writes batches as JSONL (gzip/zstd) or Parquet objects to a folder, S3, Azure Blob or GCS, named after their offsets so replays rewrite nothing twice.',
    options: objectStoreOptions,
    check: objectStoreProblems,
    binding: { field: 'store', type: 'object-store', fields: OBJECT_STORE_BINDING_FIELDS },
    batchDefaults: OBJECT_BATCH_DEFAULTS,
    concurrentPartitionBatches: OBJECT_PARTITION_BATCHES,
    create: (opts, ctx) => new ObjectStoreSink(opts, ctx, () => drivers.open(opts, ctx.baseDir)),
    probe: async (opts, ctx) => (await import('./probe.ts')).probeObjectStore(opts, ctx, drivers),
  };
}
