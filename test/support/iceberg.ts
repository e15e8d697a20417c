/** PyIceberg's view of an Iceberg table (test/support/iceberg-read.py): the independent reader of the tests and the demo. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { services } from './services.ts';

const run = promisify(execFile);

export interface TableView {
  rows: number;
  distinctIds: number;
  duplicates: Record<string, number>;
  ids: string[];
  columns: Record<string, string>;
  properties: Record<string, string>;
  snapshots: Record<string, string>[];
  partitionSpec: string[];
  files: string[];
  values: Record<string, (string | null)[]>;
}

/** The table as PyIceberg reads it: rows, rows per record id (topic/partition/offset), schema, properties. */
export async function readTable(namespace: string, table: string): Promise<TableView> {
  const { stdout } = await run(
    services.iceberg.python,
    [join(import.meta.dirname, 'iceberg-read.py'), services.iceberg.uri, `${namespace}.${table}`],
    {
      env: {
        ...process.env,
        DATAPIPE_S3_ENDPOINT: services.s3.endpoint,
        DATAPIPE_S3_ACCESS_KEY_ID: services.s3.accessKeyId,
        DATAPIPE_S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey(),
      },
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as TableView;
}
