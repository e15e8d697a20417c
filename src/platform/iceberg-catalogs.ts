/**
 * What an Iceberg catalog of platform.yaml (`catalogs:`) is on a target, as the `iceberg-catalog`
 * binding render writes for the pipelines that name it (`catalog: <name>`, docs/bindings.md):
 *  - the catalog: the target's managed one where it has one (its descriptor's `icebergCatalog`: AWS Glue's
 *    Iceberg REST endpoint, BigLake's), else the REST catalog the platform runs at `uri`
 *    (docs/decisions/0070-iceberg-catalog-binding.md says why none is rendered);
 *  - the tables' files: where the catalog's bucket is on that target, from the target's own
 *    object-store binding of the bucket, so the driver, endpoint, region, CA and credentials are the
 *    ones the archive pipelines use there (workload identity on clouds, the pod's Secret elsewhere).
 */
import { endpointEgress } from './egress.ts';
import type { IcebergCatalog, PlatformConfig } from './schema.ts';
import type { Egress, TargetDescriptor } from './targets/descriptor.ts';
import { FactError } from './targets/target.ts';

/** The `iceberg-catalog` binding (without `type`) of `catalog` on `target`. */
export function icebergCatalogBinding(
  config: PlatformConfig,
  target: TargetDescriptor,
  facts: unknown,
  catalog: IcebergCatalog,
): Record<string, unknown> {
  const endpoint = target.bindings.icebergCatalog
    ? target.bindings.icebergCatalog(facts, catalog)
    : selfHostedCatalog(config, target, catalog);
  return { ...endpoint, ...tableFiles(target.bindings.objectStore(facts, catalog.bucket)) };
}

/** The egress a pipeline bound to `catalog` needs on `target`: the catalog, then its files' store. */
export function icebergCatalogEgress(
  config: PlatformConfig,
  target: TargetDescriptor,
  facts: unknown,
  catalog: IcebergCatalog,
): Egress[] {
  const store = target.bindings.objectStoreEgress(facts, target.bindings.objectStore(facts, catalog.bucket));
  if (target.bindings.icebergCatalogEgress) return [target.bindings.icebergCatalogEgress(facts), store];
  const uri = selfHostedUri(config, target, catalog);
  return [endpointEgress(uri, catalog.cidr, ['catalogs', config.catalogs.indexOf(catalog), 'cidr']), store];
}

function selfHostedUri(config: PlatformConfig, target: TargetDescriptor, catalog: IcebergCatalog): string {
  if (catalog.uri) return catalog.uri;
  throw new FactError(
    ['catalogs', config.catalogs.indexOf(catalog)],
    `catalog "${catalog.name}": ${target.title} has no managed Iceberg catalog: set \`uri\` to the REST catalog you run there (docs/bindings.md)`,
  );
}

function selfHostedCatalog(
  config: PlatformConfig,
  target: TargetDescriptor,
  catalog: IcebergCatalog,
): Record<string, unknown> {
  return {
    catalogUri: selfHostedUri(config, target, catalog),
    ...(catalog.warehouse ? { warehouse: catalog.warehouse } : {}),
    ...(catalog.tokenEnv ? { auth: 'bearer', token: `\${${catalog.tokenEnv}}` } : { auth: 'none' }),
  };
}

/**
 * The iceberg sink's fields for the files of tables in the store of an object-store binding: where new
 * tables go (`location`), and the `s3` or `gcs` options that reach that store with the same credentials.
 */
export function tableFiles(store: Record<string, unknown>): Record<string, unknown> {
  const pick = (...fields: string[]) =>
    Object.fromEntries(fields.filter((f) => store[f] !== undefined).map((f) => [f, store[f]]));
  switch (store['driver']) {
    case 's3':
      return {
        location: `s3://${String(store['bucket'])}`,
        s3: pick('endpoint', 'region', 'forcePathStyle', 'caBundle'),
      };
    case 'gcs':
      return { location: `gs://${String(store['bucket'])}`, gcs: pick('endpoint', 'auth') };
    case 'azure-blob': {
      // ADLS Gen2 addresses the same account and container through its dfs endpoint.
      const account = new URL(String(store['accountUrl'])).hostname.split('.')[0];
      return { location: `abfss://${String(store['container'])}@${account}.dfs.core.windows.net` };
    }
    default:
      throw new Error(`an Iceberg table cannot live in a ${String(store['driver'])} store`);
  }
}
