/**
 * What the sink scenarios need around their runs: a bucket or container, the HTTP receiver, and dropping
 * the tables, objects and topics they filled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { Storage } from '@google-cloud/storage';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { deleteTopics, type KafkaTarget } from './kafka.ts';
import { REPO_ROOT } from './machine.ts';
import type { Endpoints } from './services.ts';

export const S3_BUCKET = 'datapipe-bench';
/** The Azure container and the GCS bucket of the bench (object names start with the run's groups). */
export const AZURE_CONTAINER = 'datapipe-bench';
export const GCS_BUCKET = 'datapipe-bench';

export async function ensureBucket(env: Endpoints): Promise<void> {
  // datapipe reads the credentials through ${ENV} references, as in production
  process.env['DATAPIPE_BENCH_S3_ACCESS_KEY'] = env.s3.accessKeyId;
  process.env['DATAPIPE_BENCH_S3_SECRET_KEY'] = env.s3.secretAccessKey;
  const s3 = new S3Client({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.s3.accessKeyId, secretAccessKey: env.s3.secretAccessKey },
  });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: S3_BUCKET }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: S3_BUCKET }));
  } finally {
    s3.destroy();
  }
}

/** Drops the tables this bench run created (named after its consumer groups, which hold the run id). */
export async function dropBenchTables(url: string, runId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE $1",
      [`%bench_${runId}_%`],
    );
    for (const r of rows) await client.query(`DROP TABLE IF EXISTS "${r.tablename}"`);
  } finally {
    await client.end();
  }
}

export async function dropMongoBench(url: string, runId: string): Promise<void> {
  const client = new MongoClient(url);
  await client.connect();
  try {
    const db = client.db('bench');
    for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (c.name.includes(`bench_${runId}_`)) await db.dropCollection(c.name);
    }
  } finally {
    await client.close();
  }
}

export async function ensureContainer(env: Endpoints): Promise<void> {
  if (!env.azure.connectionString) throw new Error('no Azurite connection string (test/support/services.ts)');
  // datapipe reads the connection string through an ${ENV} reference, as in production
  process.env['DATAPIPE_BENCH_AZURE_CONNECTION_STRING'] = env.azure.connectionString;
  await azureContainer(env).createIfNotExists();
}

const azureContainer = (env: Endpoints) =>
  BlobServiceClient.fromConnectionString(env.azure.connectionString).getContainerClient(AZURE_CONTAINER);

/** Deletes the blobs this bench run wrote (their names start with its consumer groups). */
export async function dropAzureBench(env: Endpoints, runId: string): Promise<void> {
  const container = azureContainer(env);
  for await (const blob of container.listBlobsFlat({ prefix: `bench-${runId}-` })) {
    await container.deleteBlob(blob.name);
  }
}

const gcsBucket = (env: Endpoints) =>
  new Storage({ apiEndpoint: env.gcs.endpoint, projectId: env.gcs.projectId }).bucket(GCS_BUCKET);

export async function ensureGcsBucket(env: Endpoints): Promise<void> {
  const bucket = gcsBucket(env);
  const [exists] = await bucket.exists();
  if (!exists) await bucket.create();
}

export async function dropGcsBench(env: Endpoints, runId: string): Promise<void> {
  await gcsBucket(env).deleteFiles({ prefix: `bench-${runId}-` });
}

/** Deletes the output topics of the kafka scenario (`<group>-out`, one per run and contender). */
export async function dropOutputTopics(kafka: KafkaTarget, topics: Iterable<string>): Promise<void> {
  await deleteTopics(kafka, [...topics]);
}

/**
 * The HTTP sink's receiver (bench/http-receiver.ts) in its own process, so that neither contender pays
 * for it; stopped with the bench process at the latest.
 */
export class HttpReceiver {
  #child: ChildProcess | undefined;
  #url = '';

  get url(): string {
    if (!this.#url) throw new Error('the HTTP receiver is not started');
    return this.#url;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const child = spawn(
      join(REPO_ROOT, 'node_modules/.bin/node'),
      [join(REPO_ROOT, 'bench/http-receiver.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    this.#child = child;
    const stop = () => child.kill();
    process.once('exit', stop);
    child.once('exit', () => process.off('exit', stop));
    const [line] = (await Promise.race([
      once(child.stdout!, 'data'),
      once(child, 'exit').then(() => {
        throw new Error('the HTTP receiver exited before listening');
      }),
    ])) as [Buffer];
    const port = /^listening (\d+)/.exec(line.toString())?.[1];
    if (!port) throw new Error(`the HTTP receiver said: ${line.toString().trim()}`);
    this.#url = `http://127.0.0.1:${port}/ingest`;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    this.#url = '';
    if (!child || child.exitCode !== null) return;
    child.kill();
    await once(child, 'exit');
  }
}
