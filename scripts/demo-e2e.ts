/**
 * The end-to-end demo: starts the services, produces a known set of order events to Kafka, runs one
 * pipeline (`datapipe run`) that fans them out to MongoDB, S3, Azure Blob, PostgreSQL, an HTTP
 * endpoint and an Apache Iceberg table (REST catalog, files in S3), and reads each store back:
 *
 *   e2e: expected=N mongodb=N s3=N azure-blob=N postgres=N http=N iceberg=N
 *
 * Exits non-zero when any store holds a different number. Usage: npm run demo:e2e [-- --records 2000]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { HttpReceiver } from '../test/support/http-receiver.ts';
import {
  azureBlobSinkYaml,
  icebergSinkYaml,
  s3SinkYaml,
  serviceSinkEnv,
} from '../test/support/service-sinks.ts';
import { services } from '../test/support/services.ts';
import { createTopic, produceOrders } from './demo-e2e/kafka.ts';
import {
  countAzureBlob,
  countIceberg,
  countMongodb,
  countPostgres,
  countS3,
  s3Client,
} from './demo-e2e/read-back.ts';
import { parseScriptArgs } from './script-args.ts';

const { values: args } = parseScriptArgs({
  command: 'npm run demo:e2e --',
  summary:
    'Order events through Kafka and one `datapipe run` into MongoDB, S3, Azure Blob, PostgreSQL, HTTP and Iceberg; each store read back (exit 1 when one holds a different number).',
  options: {
    records: { type: 'string', default: '2000', value: 'N', help: 'order events produced' },
    timeout: {
      type: 'string',
      default: '300',
      value: 'SECONDS',
      help: 'how long the stores may take to fill',
    },
  },
});
const expected = Number(args.records);
const root = join(import.meta.dirname, '..');
const run = `demo${Date.now().toString(36)}`;
const names = {
  pipeline: `demo-e2e-${run}`,
  topic: `demo-orders-${run}`,
  database: 'datapipe_demo',
  collection: `orders_${run}`,
  bucket: 'datapipe-demo',
  container: 'datapipe-demo',
  prefix: `${run}/`,
  table: `demo_orders_${run}`,
  namespace: 'datapipe_demo',
};
const log = (msg: string) => process.stderr.write(`[demo:e2e] ${msg}\n`);

log('starting services');
execFileSync(
  'bash',
  [
    join(root, 'scripts/services/services.sh'),
    'up',
    'kafka',
    'mongodb',
    's3',
    'iceberg',
    'azurite',
    'postgres',
  ],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);

const brokers = [services.kafka.bootstrap];
const receiver = await new HttpReceiver().start();
const dir = mkdtempSync(join(tmpdir(), 'datapipe-demo-'));

async function prepareStores(): Promise<void> {
  const s3 = s3Client();
  try {
    await s3.send(new CreateBucketCommand({ Bucket: names.bucket })).catch((err: { name?: string }) => {
      if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
    });
  } finally {
    s3.destroy();
  }
  await BlobServiceClient.fromConnectionString(services.azurite.connectionString)
    .getContainerClient(names.container)
    .createIfNotExists();
}

function pipelineYaml(): string {
  const batch = 'batch: { maxRecords: 500, linger: 500ms }';
  return `name: ${names.pipeline}
source:
  type: kafka
  brokers: [${brokers.join(', ')}]
  topics: [${names.topic}]
  startFrom: earliest
sinks:
  - name: mongodb
    type: mongodb
    uri: \${MONGODB_URI}
    database: ${names.database}
    collection: ${names.collection}
    key: orderId
    writeModel: insert
    ${batch}
${s3SinkYaml('s3', names.bucket, names.prefix, batch)}
${azureBlobSinkYaml('azure-blob', names.container, names.prefix, batch)}
  - name: postgres
    type: postgres
    connectionString: \${PG_URL}
    table: ${names.table}
    createTable: true
    columns:
      order_id: { from: orderId, type: text }
      customer_id: { from: customerId, type: text }
      status: { from: status, type: text }
      created_at: { from: createdAt, type: timestamptz }
      order: $value
    keyColumns: [order_id]
    ${batch}
  - name: http
    type: http
    url: ${receiver.url}
    format: ndjson
    ${batch}
${icebergSinkYaml('iceberg', names.namespace, names.table, batch, [
  'partition: [{ column: _timestamp, transform: day }]',
])}
observability: { enabled: false }
stateDir: ${join(dir, 'state')}
`;
}

async function counts(): Promise<Record<string, number>> {
  const safe = (p: Promise<number>) => p.catch(() => -1);
  return {
    mongodb: await safe(countMongodb(names.database, names.collection)),
    s3: await safe(countS3(names.bucket, names.prefix)),
    'azure-blob': await safe(countAzureBlob(names.container, names.prefix)),
    postgres: await safe(countPostgres(names.table)),
    http: receiver.records.length,
    iceberg: await safe(countIceberg(names.namespace, names.table)),
  };
}

let exitCode = 1;
try {
  await prepareStores();
  log(`producing ${expected} order events to ${names.topic}`);
  await createTopic(brokers, names.topic, 3);
  // The dead-letter topic of a Kafka-sourced pipeline (`<name>.dlq`): the broker does not auto-create topics.
  await createTopic(brokers, `${names.pipeline}.dlq`, 1);
  await produceOrders(brokers, names.topic, expected);

  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, pipelineYaml());
  log('running the pipeline: kafka → mongodb, s3, azure-blob, postgres, http, iceberg');
  const child = spawn(process.execPath, [join(root, 'bin/datapipe.js'), 'run', file], {
    cwd: root,
    env: {
      ...process.env,
      MONGODB_URI: services.mongodb.url,
      ...serviceSinkEnv(),
      PG_URL: services.postgres.connectionString,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A Kafka source does not end: wait until every store holds everything (or the timeout), then SIGTERM.
  const deadline = Date.now() + Number(args.timeout) * 1000;
  let now = await counts();
  while (Date.now() < deadline && Object.values(now).some((n) => n < expected) && child.exitCode === null) {
    await sleep(1000);
    now = await counts();
  }
  child.kill('SIGTERM');
  const code = await exited;
  now = await counts();
  console.log(
    `e2e: expected=${expected} ${Object.entries(now)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const ok = Object.values(now).every((n) => n === expected);
  if (code !== 0) log(`datapipe run exited with ${code}`);
  exitCode = ok && code === 0 ? 0 : 1;
} finally {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
