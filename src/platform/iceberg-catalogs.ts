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
  const cidrFact = {
    path: ['catalogs', config.catalogs.indexOf(catalog), 'cidr'],
    bound: 'catalog',
    server: 'Iceberg catalog',
  } as const;
  return [endpointEgress(uri, catalog.cidr, cidrFact), store];
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
function tableFiles(store: Record<string, unknown>): Record<string, unknown> {
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

/** What each target needs done by hand for its catalog (its managed one, or the one the platform runs). */
const CATALOG_SETUP: Readonly<Record<string, (catalog: IcebergCatalog) => string>> = {
  aws: (k) =>
    `AWS Glue Data Catalog (Iceberg REST endpoint): the pipelines bound to \`${k.name}\` sign with their IRSA role, which \`grants:\` gives S3 access to \`${k.bucket}\` only: add the Glue permissions of the endpoint (glue:GetCatalog, glue:GetDatabase, glue:CreateDatabase, glue:GetTable, glue:CreateTable, glue:UpdateTable) and, where Lake Formation governs the catalog, lakeformation:GetDataAccess; render does not write them yet.`,
  gcp: (k) =>
    `BigLake Iceberg REST catalog: enable the BigLake API and create the catalog of bucket \`${k.bucket}\` (console, or \`POST https://biglake.googleapis.com/iceberg/v1/restcatalog/extensions/projects/PROJECT/catalogs?iceberg-catalog-id=${k.bucket}\`); give the pipelines' Google service accounts BigLake Editor (roles/biglake.editor) on the project; \`grants:\` gives them the bucket.`,
};

/** The RUNBOOK section of the platform's Iceberg catalogs on `target`: what each is, and moving a table. */
export function icebergRunbook(config: PlatformConfig, target: TargetDescriptor, facts: unknown): string[] {
  if (config.catalogs.length === 0) return [];
  const lines = ['## Iceberg catalogs', ''];
  for (const k of config.catalogs) {
    const b = icebergCatalogBinding(config, target, facts, k);
    const setup =
      CATALOG_SETUP[target.name]?.(k) ??
      `The REST catalog you run at \`${String(b['catalogUri'])}\` (e.g. Apache Polaris or Lakekeeper; the \`apache/iceberg-rest-fixture\` image is a test fixture with a SQLite file and no auth, not a production catalog), whose storage reaches \`${String(b['location'])}\` with its own credentials${k.tokenEnv ? `; its bearer token is \`${k.tokenEnv}\` of the pipelines' \`secretEnv\`` : ''}.`;
    lines.push(
      `- \`${k.name}\`: catalog \`${String(b['catalogUri'])}\`${b['warehouse'] ? `, warehouse \`${String(b['warehouse'])}\`` : ''}, auth \`${String(b['auth'])}\`; new tables under \`${String(b['location'])}/<namespace>/<table>\`. ${setup}`,
    );
  }
  lines.push(
    '',
    '### Moving a table between targets',
    '',
    "Iceberg metadata names every file by its absolute location (`s3://`, `gs://`, `abfss://`), so copying a table's files to the new store is not enough by itself. The committed offsets of the pipelines (table properties `datapipe.offsets.<pipeline>` and `datapipe.offset-indexes.<pipeline>`) must travel with the table: the re-pointed pipeline then resumes after them, appending no range twice. First stop the pipeline on the old target (`kubectl scale deploy/PIPELINE -n NAMESPACE --replicas=0`) so that no commit lands during the copy.",
    '',
    '1. **Snapshot copy** (any catalog to any catalog; the history stays behind). With PyIceberg, one catalog configuration per side (`load_catalog(name, uri=..., warehouse=..., ...)`; the AWS Glue one with `rest.sigv4-enabled`, `rest.signing-region` and `rest.signing-name: glue`):',
    '',
    '   ```python',
    '   from pyiceberg.catalog import load_catalog',
    '   OLD = {...}  # the old catalog: uri, warehouse, its auth and store settings',
    '   NEW = {...}  # the new one',
    '   src = load_catalog("old", **OLD).load_table("NS.TABLE")',
    '   new = load_catalog("new", **NEW)',
    '   new.create_namespace_if_not_exists("NS")',
    '   dst = new.create_table("NS.TABLE", schema=src.schema(), partition_spec=src.spec(), location="NEW_LOCATION/NS/TABLE")',
    '   with dst.transaction() as tx:  # one commit: the rows and the offsets together',
    '       tx.append(src.scan().to_arrow())',
    '       tx.set_properties({k: v for k, v in src.properties.items() if k.startswith("datapipe.")})',
    '   ```',
    '',
    '   `to_arrow()` holds the table in memory; for a larger one append it in slices (`src.scan(row_filter=...)`), each in its own transaction, and set the `datapipe.` properties only in the last.',
    '2. **With its history**: Iceberg\'s Spark procedure `CALL system.rewrite_table_path(table => \'NS.TABLE\', source_prefix => \'OLD_LOCATION\', target_prefix => \'NEW_LOCATION\')` writes a copy of the metadata with the new prefix and the list of files to copy (`file_list_location`); copy those files (e.g. `rclone copy` with the remotes of `datapipe plan`), then register the rewritten metadata file in the new catalog: `POST <catalogUri>/v1/<prefix>/namespaces/NS/register` with `{"name": "TABLE", "metadata-location": "NEW_LOCATION/.../metadata/vN.metadata.json"}` (PyIceberg: `catalog.register_table("NS.TABLE", metadata_location)`). The properties, offsets included, are in that metadata. Where the new catalog has no register endpoint, use the snapshot copy.',
    '',
    'Then render and apply the new target: the same pipeline file, bound to the new catalog, resumes from the offsets in the table; prove it with `datapipe check` (below).',
    '',
  );
  return lines;
}
