/** The `iceberg` sink: batches appended to an Apache Iceberg table through a REST catalog, once per offset range. */
import type { SinkPlugin } from '../../core/plugin.ts';
import { ICEBERG_CATALOG_BINDING_FIELDS, icebergOptions, icebergProblems } from './options.ts';
import { IcebergSink } from './sink.ts';

export const icebergSink: SinkPlugin<typeof icebergOptions> = {
  type: 'iceberg',
  description:
    'Appends batches as Parquet data files to an Apache Iceberg table through a REST catalog; the offsets go in the same commit, so no range is appended twice.',
  options: icebergOptions,
  check: icebergProblems,
  binding: { field: 'catalog', type: 'iceberg-catalog', fields: ICEBERG_CATALOG_BINDING_FIELDS },
  create: (opts, ctx) => new IcebergSink(opts, ctx),
};
