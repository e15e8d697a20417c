/** What the sink scenarios need around their runs: a bucket, and dropping the tables they filled. */
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { Endpoints } from './services.ts';

export const S3_BUCKET = 'datapipe-bench';

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
