// Endpoints of the local services started by `npm run services:up` (scripts/services/, docs/services.md).
// Ports are fixed; each can be overridden with the same DATAPIPE_*_PORT variable the scripts read.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
const host = '127.0.0.1';

export const cacheDir: string = env.DATAPIPE_CACHE_DIR ?? join(homedir(), '.cache', 'datapipe');
export const stateDir: string = env.DATAPIPE_STATE_DIR ?? join(cacheDir, 'run');

function port(name: string, fallback: number): number {
  const value = env[name];
  return value === undefined || value === '' ? fallback : Number(value);
}

/** Reads a secret the scripts generated once into the state dir (throws if services:up never ran). */
export function readStateSecret(file: string): string {
  return readFileSync(join(stateDir, file), 'utf8').trim();
}

const kafkaPort = port('DATAPIPE_KAFKA_PORT', 19092);
const kafkaSaslPort = port('DATAPIPE_KAFKA_SASL_PORT', 19094);
const mongodbPort = port('DATAPIPE_MONGODB_PORT', 27117);
const s3Port = port('DATAPIPE_S3_PORT', 19000);
const azuritePort = port('DATAPIPE_AZURITE_PORT', 10000);
const postgresPort = port('DATAPIPE_POSTGRES_PORT', 55432);
const etcdPort = port('DATAPIPE_ETCD_PORT', 23790);
const kubernetesPort = port('DATAPIPE_KUBERNETES_PORT', 16443);
/** Keep in step with KUBERNETES_VERSION in scripts/services/kubernetes.sh. */
const kubernetesVersion = '1.37.2';
const icebergPort = port('DATAPIPE_ICEBERG_PORT', 18181);
const gcsPort = port('DATAPIPE_GCS_PORT', 19443);

/** Azurite's well-known development account (public, documented by Microsoft). */
const azuriteAccount = 'devstoreaccount1';
const azuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const azuriteBlobEndpoint = `http://${host}:${azuritePort}/${azuriteAccount}`;

export const services = {
  kafka: {
    /** PLAINTEXT listener, no auth. */
    bootstrap: `${host}:${kafkaPort}`,
    /** SASL_SSL listener: SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN; server cert signed by caFile. */
    saslBootstrap: `${host}:${kafkaSaslPort}`,
    saslUser: 'datapipe',
    saslPassword: (): string => readStateSecret('kafka-sasl-password'),
    caFile: join(stateDir, 'kafka', 'tls', 'ca.crt'),
    /** Broker created with auto.create.topics.enable=false: create topics explicitly. */
    autoCreateTopics: false,
  },
  mongodb: {
    url: `mongodb://${host}:${mongodbPort}/`,
  },
  s3: {
    endpoint: `http://${host}:${s3Port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyId: 'datapipe',
    secretAccessKey: (): string => readStateSecret('s3-secret'),
  },
  azurite: {
    accountName: azuriteAccount,
    accountKey: azuriteKey,
    blobEndpoint: azuriteBlobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${azuriteAccount};AccountKey=${azuriteKey};BlobEndpoint=${azuriteBlobEndpoint};`,
  },
  postgres: {
    /** trust auth on 127.0.0.1; the password (state file postgres-password) also works. */
    connectionString: `postgres://datapipe@${host}:${postgresPort}/datapipe`,
    password: (): string => readStateSecret('postgres-password'),
  },
  iceberg: {
    /** Apache Iceberg REST catalog (no auth); its warehouse is s3://datapipe-iceberg/warehouse in the s3 service. */
    uri: `http://${host}:${icebergPort}`,
    bucket: 'datapipe-iceberg',
    /** The venv with PyIceberg, the independent reader of the tests. */
    python: join(cacheDir, 'pyiceberg', 'bin', 'python'),
  },
  gcs: {
    /** fake-gcs-server: the GCS JSON API over plain HTTP, no auth (`auth: none` in datapipe). */
    endpoint: `http://${host}:${gcsPort}`,
    projectId: 'datapipe',
  },
  etcd: {
    endpoints: [`http://${host}:${etcdPort}`],
    etcdctl: env.DATAPIPE_ETCDCTL ?? 'etcdctl',
  },
  kubernetes: {
    /** kube-apiserver only (no nodes, no controllers); admin = client certificate in the kubeconfig. */
    server: `https://${host}:${kubernetesPort}`,
    version: kubernetesVersion,
    kubeconfig: join(stateDir, 'kubernetes', 'kubeconfig'),
    /** kubectl built from the same k8s.io/kubernetes module as the server. */
    kubectl: join(cacheDir, `kubernetes-${kubernetesVersion}`, 'bin', 'kubectl'),
  },
} as const;

export type Services = typeof services;
