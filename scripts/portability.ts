/**
 * The portability proof (issue 13, point 4), shared by `npm run demo:portability` and its integration
 * test: render examples/platform for every target; for each, run the SAME pipeline file
 * (examples/platform/pipelines/orders-to-archive.yaml, one sha256) with that target's rendered binding
 * against the local stand-in of the target's store, consuming from the real Kafka, and read the records
 * back from that store.
 *
 * What the stand-ins need, and nothing else (docs/bindings.md#the-portability-proof):
 * - every target: the Kafka binding's `brokers` → the local broker;
 * - aws: `endpoint` + `forcePathStyle` of S3Proxy, and `auth: auto` (S3Proxy cannot do IRSA: the keys
 *   come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment, the AWS default chain);
 * - baremetal: `endpoint` of S3Proxy (http, so no CA); keys from the same environment variables that the
 *   pod gets from its `<identity>-s3` Secret;
 * - azure: `accountUrl` of Azurite, `auth: auto` and its well-known account key (no Workload Identity);
 * - gcp: `endpoint` of fake-gcs-server and `auth: none` (no Application Default Credentials);
 * - scaleway: `endpoint` + `forcePathStyle` of S3Proxy (for https://s3.<region>.scw.cloud); keys from the
 *   same environment variables that the pod gets from its `<identity>-scw` Secret.
 * The group's offsets are set to the start of this run's records before each target, and each store's
 * bucket/container is emptied first (aws, baremetal and scaleway share S3Proxy, and the sink would otherwise
 * recognise the other target's objects as a replay).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { Storage } from '@google-cloud/storage';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { objectStoreDrivers, pipelinePlugins } from '../src/cli/plugins.ts';
import { parseBindings } from '../src/config/bindings.ts';
import { parseYamlText } from '../src/config/yaml-file.ts';
import type { ObjectStoreDriver } from '../src/sinks/object-store/driver.ts';
import { objectStoreOptions } from '../src/sinks/object-store/options.ts';
import { services } from '../test/support/services.ts';

export const ROOT = join(import.meta.dirname, '..');
export const PLATFORM = join(ROOT, 'examples/platform/platform.yaml');
export const PIPELINE = join(ROOT, 'examples/platform/pipelines/orders-to-archive.yaml');
const PIPELINE_NAME = 'orders-to-archive';
const STORE = 'shop-orders-archive';

type Fields = Record<string, unknown>;

/** Per target: the fields of the store's binding the local stand-in needs changed. */
const STAND_INS: Record<string, () => Fields> = {
  aws: () => ({ endpoint: services.s3.endpoint, forcePathStyle: true, auth: 'auto' }),
  baremetal: () => ({ endpoint: services.s3.endpoint }),
  azure: () => ({
    accountUrl: services.azurite.blobEndpoint,
    auth: 'auto',
    accountName: services.azurite.accountName,
    accountKey: '${AZURITE_ACCOUNT_KEY}',
  }),
  gcp: () => ({ endpoint: services.gcs.endpoint, auth: 'none' }),
  // Scaleway Object Storage is S3-compatible: S3Proxy stands in (path style, http); the keys come from the
  // environment as in the pod (Secret `<identity>-scw`, envFrom).
  scaleway: () => ({ endpoint: services.s3.endpoint, forcePathStyle: true }),
};

export interface PortabilityResult {
  readonly expected: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly pipelineShas: ReadonlySet<string>;
  /** `portability: expected=N aws=N ... pipeline_sha=<sha>` */
  readonly line: string;
}

export interface PortabilityOptions {
  readonly records: number;
  /** A fresh folder for rendered output, bindings and logs. */
  readonly dir: string;
  readonly timeoutMs: number;
  readonly log: (message: string) => void;
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The registered targets, as `datapipe render` knows them. */
async function targetNames(): Promise<string[]> {
  const { platformTargets } = await import('../src/cli/plugins.ts');
  return [...platformTargets.names];
}

export async function runPortability(o: PortabilityOptions): Promise<PortabilityResult> {
  const run = `port-${randomBytes(4).toString('hex')}`;
  // The read-back drivers of this process resolve credentials like the runs: from the same environment.
  Object.assign(process.env, standInEnv());
  const brokers = [services.kafka.bootstrap];
  const targets = await targetNames();
  const unknown = targets.filter((t) => !(t in STAND_INS));
  if (unknown.length > 0) throw new Error(`no local stand-in for target(s) ${unknown.join(', ')}`);
  const topic = readTopic();
  await ensureTopic(brokers, topic);
  await ensureTopic(brokers, `${PIPELINE_NAME}.dlq`);
  const start = await endOffsets(brokers, topic);
  o.log(`producing ${o.records} orders (${run}) to ${topic}`);
  await produce(brokers, topic, run, o.records);

  const counts: Record<string, number> = {};
  const shas = new Set<string>();
  for (const target of targets) {
    const out = join(o.dir, target);
    mkdirSync(out, { recursive: true });
    await datapipe(
      ['render', PLATFORM, '--target', target, '--out', join(out, 'render')],
      join(out, 'render.log'),
    );
    const rendered = renderedBindings(join(out, 'render'));
    const bindings = standIn(target, rendered);
    const bindingsFile = join(out, 'bindings.yaml');
    writeFileSync(bindingsFile, stringify(bindings));
    const driver = await storeDriver(bindingsFile, out);
    await prepareStore(target, driver);
    await resetGroup(brokers, PIPELINE_NAME, topic, start);

    shas.add(sha256(PIPELINE));
    o.log(`${target}: datapipe run ${PIPELINE} --bindings ${bindingsFile}`);
    counts[target] = await runUntilStored(o, out, bindingsFile, () => countRun(driver, run), o.records);
    shas.add(sha256(PIPELINE));
    await driver.close();
  }
  const line = `portability: expected=${o.records} ${targets.map((t) => `${t}=${counts[t]}`).join(' ')} pipeline_sha=${[...shas].join(',')}`;
  return { expected: o.records, counts, pipelineShas: shas, line };
}

function readTopic(): string {
  const pipeline = parseYaml(readFileSync(PIPELINE, 'utf8')) as { source: { topics: string[] } };
  const topic = pipeline.source.topics[0];
  if (topic === undefined) throw new Error(`${PIPELINE}: no topic`);
  return topic;
}

/** The bindings document render wrote for the pipeline into the target's overlay. */
function renderedBindings(renderDir: string): { target: string; bindings: Record<string, Fields> } {
  const text = readFileSync(join(renderDir, 'kubernetes/bindings/config-map.yaml'), 'utf8');
  for (const doc of parseAllDocuments(text)) {
    const cm = doc.toJS() as { metadata?: { name?: string }; data?: Record<string, string> } | null;
    if (cm?.metadata?.name === `${PIPELINE_NAME}-bindings`)
      return parseYaml(cm.data?.['bindings.yaml'] ?? '');
  }
  throw new Error(`${renderDir}: no ConfigMap ${PIPELINE_NAME}-bindings in kubernetes/bindings/`);
}

/** The rendered bindings with only what the local stand-ins need changed. */
function standIn(
  target: string,
  rendered: { target: string; bindings: Record<string, Fields> },
): { target: string; bindings: Record<string, Fields> } {
  const bindings: Record<string, Fields> = {};
  for (const [name, b] of Object.entries(rendered.bindings)) {
    if (b['type'] === 'kafka') bindings[name] = { ...b, brokers: [services.kafka.bootstrap] };
    else if (b['type'] === 'object-store') bindings[name] = { ...b, ...STAND_INS[target]!() };
    else bindings[name] = b;
  }
  return { target: rendered.target, bindings };
}

async function storeDriver(bindingsFile: string, baseDir: string): Promise<ObjectStoreDriver> {
  const text = readFileSync(bindingsFile, 'utf8');
  const parsed = parseBindings(parseYamlText(text, bindingsFile), pipelinePlugins, runEnv());
  const fields = parsed.byName.get(STORE)?.fields;
  if (!fields) throw new Error(`${bindingsFile}: no binding ${STORE}`);
  return objectStoreDrivers.open(objectStoreOptions.parse(fields), baseDir);
}

/** Creates the bucket/container on the stand-in if needed, and empties it. */
async function prepareStore(target: string, driver: ObjectStoreDriver): Promise<void> {
  if (target === 'azure') {
    await BlobServiceClient.fromConnectionString(services.azurite.connectionString)
      .getContainerClient(STORE)
      .createIfNotExists();
  } else if (target === 'gcp') {
    const storage = new Storage({ apiEndpoint: services.gcs.endpoint, projectId: services.gcs.projectId });
    const [exists] = await storage.bucket(STORE).exists();
    if (!exists) await storage.createBucket(STORE);
  } else {
    await ensureS3Bucket(STORE);
  }
  const names: string[] = [];
  for await (const name of driver.list('')) names.push(name);
  for (const name of names) await driver.delete(name);
}

/** Creates `bucket` on the local S3 server (S3Proxy) unless it exists. */
export async function ensureS3Bucket(bucket: string): Promise<void> {
  const s3 = new S3Client({
    endpoint: services.s3.endpoint,
    region: services.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: services.s3.accessKeyId, secretAccessKey: services.s3.secretAccessKey() },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: { name?: string }) => {
    if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
  });
  s3.destroy();
}

/** Records of this run in the store, duplicates included. */
export async function countRun(driver: ObjectStoreDriver, run: string): Promise<number> {
  let n = 0;
  for await (const name of driver.list('')) {
    let body = await driver.get(name);
    if (name.endsWith('.gz')) body = gunzipSync(body);
    for (const line of body.toString().split('\n')) {
      if (line && (JSON.parse(line) as { run?: string }).run === run) n++;
    }
  }
  return n;
}

function runEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...standInEnv() };
}

function standInEnv(): Record<string, string> {
  return {
    // The S3 stand-in's keys, where the pod on bare metal has them from its Secret (the AWS default chain).
    AWS_ACCESS_KEY_ID: services.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: services.s3.secretAccessKey(),
    AZURITE_ACCOUNT_KEY: services.azurite.accountKey,
  };
}

/** `datapipe run` until the store holds `expected` records of this run (or the deadline), then SIGTERM. */
async function runUntilStored(
  o: PortabilityOptions,
  out: string,
  bindingsFile: string,
  count: () => Promise<number>,
  expected: number,
): Promise<number> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/datapipe.js'), 'run', PIPELINE, '--bindings', bindingsFile, '--port', '0'],
    { cwd: out, env: { ...runEnv(), DATAPIPE_LOG_FORMAT: 'json' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + o.timeoutMs;
  let n = 0;
  try {
    while (Date.now() < deadline && child.exitCode === null) {
      n = await count().catch(() => n);
      if (n >= expected) break;
      await sleep(1000);
    }
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    writeFileSync(join(out, 'run.log'), stderr);
    if (code !== 0 && n < expected) o.log(`datapipe run exited ${code}; see ${join(out, 'run.log')}`);
  }
  // Read again after the graceful stop: a duplicate written while stopping must be counted.
  return count();
}

async function datapipe(args: string[], logFile: string): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/datapipe.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  writeFileSync(logFile, output);
  if (code !== 0) throw new Error(`datapipe ${args.join(' ')} exited ${code}: ${output}`);
}

export async function ensureTopic(brokers: string[], topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'datapipe-portability', bootstrapBrokers: brokers });
  try {
    if ((await admin.listTopics()).includes(topic)) return;
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 }).catch(() => {});
    for (let i = 0; i < 100; i++) {
      if ((await admin.listTopics()).includes(topic)) return;
      await sleep(100);
    }
    throw new Error(`topic ${topic} did not appear`);
  } finally {
    await admin.close();
  }
}

/** Per partition, the offset the next record will get. */
export async function endOffsets(brokers: string[], topic: string): Promise<Map<number, bigint>> {
  const admin = new Admin({ clientId: 'datapipe-portability', bootstrapBrokers: brokers });
  try {
    const md = await admin.metadata({ topics: [topic] });
    const partitions = md.topics.get(topic)?.partitionsCount ?? 0;
    const listed = await admin.listOffsets({
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, timestamp: -1n })),
        },
      ],
    });
    const out = new Map<number, bigint>();
    for (const t of listed) for (const p of t.partitions) out.set(p.partitionIndex, p.offset);
    return out;
  } finally {
    await admin.close();
  }
}

/** The group starts at this run's first records, whatever an earlier target or run committed. */
export async function resetGroup(
  brokers: string[],
  group: string,
  topic: string,
  start: Map<number, bigint>,
): Promise<void> {
  const admin = new Admin({ clientId: 'datapipe-portability', bootstrapBrokers: brokers });
  try {
    await admin.alterConsumerGroupOffsets({
      groupId: group,
      topics: [
        { name: topic, partitionOffsets: [...start].map(([partition, offset]) => ({ partition, offset })) },
      ],
    });
  } finally {
    await admin.close();
  }
}

export async function produce(brokers: string[], topic: string, run: string, count: number): Promise<void> {
  const producer = new Producer<string, string, string, string>({
    clientId: 'datapipe-portability',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
  });
  try {
    for (let sent = 0; sent < count; sent += 500) {
      const messages = [];
      for (let i = sent; i < Math.min(count, sent + 500); i++) {
        const value = { run, orderId: `${run}-${i}`, amount: (i % 97) + 0.5 };
        messages.push({ topic, key: `${run}-${i}`, value: JSON.stringify(value) });
      }
      await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
}
