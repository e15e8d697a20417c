/** The `iceberg` sink: batches appended to an Apache Iceberg table through a REST catalog, once per offset range. */
import type { SinkPlugin } from '../../core/plugin.ts';
import type { DriverRegistry } from '../object-store/drivers/index.ts';
import { ICEBERG_CATALOG_BINDING_FIELDS, icebergOptions, icebergProblems } from './options.ts';
import { IcebergSink } from './sink.ts';

/** Built from the object-store drivers the composition root registers: they reach the tables' files. */
export function icebergSink(drivers: DriverRegistry): SinkPlugin<typeof icebergOptions> {
  return {
    type: 'iceberg',
    description:
      'Appends batches as Parquet data files to an Apache Iceberg table through a REST catalog; the offsets go in the same commit, so no range is appended twice.',
    options: icebergOptions,
    check: icebergProblems,
    binding: { field: 'catalog', type: 'iceberg-catalog', fields: ICEBERG_CATALOG_BINDING_FIELDS },
    create: (opts, ctx) => new IcebergSink(opts, ctx, drivers),
  };
}
