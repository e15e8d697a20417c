/**
 * Sinks on the local test services as pipeline-file text (items of `sinks:`), for the tests and demos
 * that write whole pipeline files. Secrets stay out of the file: the blocks reference `${S3_ACCESS_KEY_ID}`,
 * `${S3_SECRET_ACCESS_KEY}` and `${AZURE_STORAGE_CONNECTION_STRING}`, which serviceSinkEnv supplies.
 */
import { services } from './services.ts';

/** The environment the blocks below reference. */
export function serviceSinkEnv(): Record<string, string> {
  return {
    S3_ACCESS_KEY_ID: services.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey(),
    AZURE_STORAGE_CONNECTION_STRING: services.azurite.connectionString,
  };
}

/** An object-store sink `name` on the S3-compatible server: `bucket`, object names under `prefix`. */
export function s3SinkYaml(name: string, bucket: string, prefix: string, batch: string): string {
  return `  - name: ${name}
    type: object-store
    driver: s3
    endpoint: ${services.s3.endpoint}
    region: ${services.s3.region}
    forcePathStyle: true
    bucket: ${bucket}
    accessKeyId: \${S3_ACCESS_KEY_ID}
    secretAccessKey: \${S3_SECRET_ACCESS_KEY}
    prefix: ${prefix}
    ${batch}`;
}

/** An object-store sink `name` on Azurite: `container`, blob names under `prefix`. */
export function azureBlobSinkYaml(name: string, container: string, prefix: string, batch: string): string {
  return `  - name: ${name}
    type: object-store
    driver: azure-blob
    container: ${container}
    connectionString: \${AZURE_STORAGE_CONNECTION_STRING}
    prefix: ${prefix}
    ${batch}`;
}

/** An iceberg sink `name` on the REST catalog, creating `namespace.table`; `more`: further settings lines. */
export function icebergSinkYaml(
  name: string,
  namespace: string,
  table: string,
  batch: string,
  more: readonly string[] = [],
): string {
  return [
    `  - name: ${name}`,
    '    type: iceberg',
    `    catalogUri: ${services.iceberg.uri}`,
    `    namespace: ${namespace}`,
    `    table: ${table}`,
    '    create: true',
    ...more.map((line) => `    ${line}`),
    '    s3:',
    `      endpoint: ${services.s3.endpoint}`,
    '      forcePathStyle: true',
    '      accessKeyId: ${S3_ACCESS_KEY_ID}',
    '      secretAccessKey: ${S3_SECRET_ACCESS_KEY}',
    `    ${batch}`,
  ].join('\n');
}
