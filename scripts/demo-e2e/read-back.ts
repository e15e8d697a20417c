/** Counts what the demo pipeline wrote to each store, read back through each store's own client. */
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { readTable } from '../../test/support/iceberg.ts';
import { services } from '../../test/support/services.ts';

const lines = (text: string) => text.split('\n').filter((l) => l.trim().length > 0).length;

export async function countMongodb(database: string, collection: string): Promise<number> {
  const client = new MongoClient(services.mongodb.url, { serverSelectionTimeoutMS: 5000 });
  try {
    return await client.db(database).collection(collection).countDocuments();
  } finally {
    await client.close();
  }
}

export async function countPostgres(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: services.postgres.connectionString });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

export function s3Client(): S3Client {
  return new S3Client({
    endpoint: services.s3.endpoint,
    region: services.s3.region,
    forcePathStyle: services.s3.forcePathStyle,
    credentials: { accessKeyId: services.s3.accessKeyId, secretAccessKey: services.s3.secretAccessKey() },
  });
}

/** JSONL lines in every object under `prefix`. */
export async function countS3(bucket: string, prefix: string): Promise<number> {
  const client = s3Client();
  let total = 0;
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
        total += lines((await body.Body?.transformToString('utf8')) ?? '');
      }
    }
  } finally {
    client.destroy();
  }
  return total;
}

/** JSONL lines in every blob under `prefix`. */
export async function countAzureBlob(container: string, prefix: string): Promise<number> {
  const containerClient = BlobServiceClient.fromConnectionString(
    services.azurite.connectionString,
  ).getContainerClient(container);
  let total = 0;
  for await (const blob of containerClient.listBlobsFlat({ prefix })) {
    const buffer = await containerClient.getBlobClient(blob.name).downloadToBuffer();
    total += lines(buffer.toString('utf8'));
  }
  return total;
}

/** Rows of the Iceberg table, read by PyIceberg; an order stored twice counts twice. */
export async function countIceberg(namespace: string, table: string): Promise<number> {
  return (await readTable(namespace, table)).rows;
}
