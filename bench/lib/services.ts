/**
 * Where the real services are. test/support/services.ts (the test suite's single source of endpoints)
 * is used when it exists; otherwise the defaults of scripts/services/*.sh.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './machine.ts';

export interface Endpoints {
  readonly kafkaBrokers: string[];
  readonly postgresUrl: string;
  readonly mongodbUrl: string;
  readonly s3: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string };
  /** The Iceberg REST catalog (its warehouse lives in the s3 service). */
  readonly icebergUri: string;
  /** Azurite: the connection string of its development account (test/support/services.ts). */
  readonly azure: { connectionString: string };
  /** fake-gcs-server: the GCS JSON API over plain HTTP, no auth. */
  readonly gcs: { endpoint: string; projectId: string };
}

const STATE = process.env['DATAPIPE_STATE_DIR'] ?? join(homedir(), '.cache/datapipe/run');

function secret(name: string): string {
  const file = join(STATE, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
}

export async function endpoints(): Promise<Endpoints> {
  const defaults: Endpoints = {
    kafkaBrokers: [process.env['DATAPIPE_KAFKA_BROKERS'] ?? '127.0.0.1:19092'],
    postgresUrl: process.env['DATAPIPE_POSTGRES_URL'] ?? 'postgres://datapipe@127.0.0.1:55432/datapipe',
    mongodbUrl: process.env['DATAPIPE_MONGODB_URL'] ?? 'mongodb://127.0.0.1:27117',
    s3: {
      endpoint: process.env['DATAPIPE_S3_ENDPOINT'] ?? 'http://127.0.0.1:19000',
      accessKeyId: 'datapipe',
      secretAccessKey: secret('s3-secret'),
      region: 'us-east-1',
    },
    icebergUri: process.env['DATAPIPE_ICEBERG_URI'] ?? 'http://127.0.0.1:18181',
    azure: { connectionString: process.env['DATAPIPE_AZURE_CONNECTION_STRING'] ?? '' },
    gcs: {
      endpoint: process.env['DATAPIPE_GCS_ENDPOINT'] ?? 'http://127.0.0.1:19443',
      projectId: 'datapipe',
    },
  };
  const support = join(REPO_ROOT, 'test/support/services.ts');
  if (!existsSync(support)) return defaults;
  try {
    const mod = (await import(support)) as Record<string, unknown>;
    return { ...defaults, ...fromSupport(mod) };
  } catch {
    return defaults;
  }
}

/** Reads the fields test/support/services.ts is expected to export, tolerating its exact shape. */
function fromSupport(mod: Record<string, unknown>): Partial<Endpoints> {
  const out: Record<string, unknown> = {};
  const pick = (...names: string[]) => names.map((n) => mod[n]).find((v) => v !== undefined);
  const kafka = pick('kafkaBrokers', 'KAFKA_BROKERS', 'kafka') as unknown;
  if (Array.isArray(kafka)) out['kafkaBrokers'] = kafka;
  else if (kafka && typeof kafka === 'object' && Array.isArray((kafka as { brokers?: unknown }).brokers)) {
    out['kafkaBrokers'] = (kafka as { brokers: string[] }).brokers;
  }
  const pg = pick('postgresUrl', 'POSTGRES_URL');
  if (typeof pg === 'string') out['postgresUrl'] = pg;
  const mongo = pick('mongodbUrl', 'MONGODB_URL');
  if (typeof mongo === 'string') out['mongodbUrl'] = mongo;
  const all = mod['services'] as
    | { azurite?: { connectionString?: unknown }; gcs?: { endpoint?: unknown; projectId?: unknown } }
    | undefined;
  const azure = all?.azurite?.connectionString;
  if (typeof azure === 'string') out['azure'] = { connectionString: azure };
  const gcs = all?.gcs;
  if (typeof gcs?.endpoint === 'string' && typeof gcs.projectId === 'string') {
    out['gcs'] = { endpoint: gcs.endpoint, projectId: gcs.projectId };
  }
  return out as Partial<Endpoints>;
}
