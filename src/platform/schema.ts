/**
 * The platform.yaml language: what a platform needs, in provider-neutral words. One zod schema is
 * the single source of validation and types; `targets:` (target-facts.ts) holds the provider facts.
 */
import { z } from 'zod';
import { type TargetFactsSchemas, targetsBaseSchema, targetsSchema } from './target-facts.ts';

/** A DNS-1123 label: what Kubernetes accepts as a name and what every provider accepts too. */
const NAME = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;
const name = () =>
  z.string().regex(NAME, 'must be a lower-case DNS label (a-z, 0-9, "-"), at most 40 characters');
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const quantity = () => z.string().regex(QUANTITY, 'must be a Kubernetes quantity such as 250m, 512Mi, 20Gi');
const CRON = /^(\S+\s+){4}\S+$/;

export const resourcesSchema = z
  .strictObject({
    cpu: quantity().default('250m').meta({ description: 'CPU request.' }),
    memory: quantity().default('256Mi').meta({ description: 'Memory request.' }),
    cpuLimit: quantity().default('1').meta({ description: 'CPU limit.' }),
    memoryLimit: quantity().default('512Mi').meta({ description: 'Memory limit.' }),
  })
  .meta({ description: 'Requests and limits of the main container (every pod gets both).' });

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const secretEnvSchema = z.strictObject({
  name: z.string().regex(ENV_NAME, 'must be an environment variable name'),
  secret: name().meta({ description: 'A Secret you create; its value is never rendered.' }),
  key: z.string().min(1),
});

const workloadCommon = {
  name: name(),
  replicas: z.number().int().min(1).default(2),
  resources: resourcesSchema.prefault({}),
  env: z
    .record(z.string().regex(ENV_NAME, 'must be an environment variable name'), z.string())
    .default({})
    .meta({
      description:
        'Non-secret settings as environment variables (`LOG_LEVEL: info`); anything secret goes in `secretEnv`.',
    }),
  secretEnv: z
    .array(secretEnvSchema)
    .default([])
    .meta({ description: 'Environment variables taken from Secrets by name (no inline values).' }),
};

const pipelineWorkloadSchema = z.strictObject({
  ...workloadCommon,
  file: z.string().min(1).meta({ description: 'The pipeline file, relative to platform.yaml.' }),
  autoscaling: z
    .strictObject({
      minReplicas: z.number().int().min(0).default(1),
      maxReplicas: z.number().int().min(1),
      lagThreshold: z.number().int().min(1).default(1000).meta({
        description: 'Target consumer lag per replica (KEDA kafka scaler `lagThreshold`).',
      }),
      bootstrapServers: z.string().min(1),
      consumerGroup: z.string().min(1),
      topic: z.string().min(1),
      triggerAuthentication: name().optional().meta({
        description: 'A KEDA TriggerAuthentication you create, for a Kafka with SASL/TLS.',
      }),
    })
    .optional()
    .meta({ description: 'Scale on Kafka consumer lag with a KEDA ScaledObject.' }),
});

const serviceWorkloadSchema = z.strictObject({
  ...workloadCommon,
  image: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  livenessPath: z.string().startsWith('/').default('/healthz'),
  readinessPath: z.string().startsWith('/').default('/readyz'),
  runAsUser: z.number().int().min(1).default(10001),
});

const statefulWorkloadSchema = z.strictObject({
  ...workloadCommon,
  replicas: z.number().int().min(1).default(1),
  image: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  volume: name().meta({ description: 'A volume from `volumes`, mounted at `mountPath`.' }),
  mountPath: z.string().startsWith('/'),
  runAsUser: z.number().int().min(1).meta({ description: 'The image user (e.g. 999 for mongo).' }),
  args: z.array(z.string()).default([]),
});

const volumeSchema = z.strictObject({
  name: name(),
  size: z.string().regex(/^\d+(Mi|Gi|Ti)$/, 'must be a size such as 20Gi'),
  accessMode: z.enum(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany']).default('ReadWriteOnce'),
  encrypted: z.boolean().default(true),
});

const bucketSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'must be a valid bucket name'),
  encrypted: z.boolean().default(true),
  versioning: z.boolean().default(true),
  noncurrentVersionDays: z.number().int().min(1).default(30).meta({
    description:
      'With versioning: days an overwritten or deleted version is kept before the lifecycle rule deletes it.',
  }),
});

const exposureSchema = z.strictObject({
  service: name().meta({ description: 'A workload from `workloads.services`.' }),
  host: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a fully qualified host name'),
  path: z.string().startsWith('/').default('/'),
  via: z.enum(['gateway', 'ingress']).default('gateway').meta({
    description: 'Gateway API (Envoy Gateway) or a plain Ingress (no basic auth: that needs the gateway).',
  }),
  ingressClassName: z.string().optional(),
  ingressNamespace: z.string().optional().meta({
    description:
      'With `via: ingress`: the namespace of the Ingress controller, allowed through the network policy.',
  }),
  tls: z
    .strictObject({
      secretName: name().meta({ description: 'TLS Secret (e.g. written by cert-manager).' }),
      clusterIssuer: z.string().optional().meta({ description: 'cert-manager ClusterIssuer, if any.' }),
    })
    .optional(),
  basicAuth: z
    .strictObject({
      secretName: name().meta({
        description: 'Secret with an `.htpasswd` key, created by you or by an ExternalSecret.',
      }),
    })
    .optional(),
});

const GRANT_ACTIONS = ['read', 'write', 'list', 'manageRecords', 'readMetrics'] as const;
export type GrantAction = (typeof GRANT_ACTIONS)[number];

const grantSchema = z.strictObject({
  identity: name().meta({
    description: 'A workload name, or a platform identity: external-dns, grafana.',
  }),
  actions: z.array(z.enum(GRANT_ACTIONS)).min(1),
  resource: z.union([
    z.strictObject({ bucket: z.string().min(1) }),
    z.strictObject({ dnsZone: z.string().min(1) }),
    z.strictObject({ metrics: z.literal('platform') }),
  ]),
});

const networkRuleSchema = z.strictObject({
  from: name().meta({ description: 'A workload, or `gateway` / `monitoring`.' }),
  to: name().optional().meta({ description: 'A workload in this platform.' }),
  toCidr: z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be a CIDR')
    .optional(),
  except: z.array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be a CIDR')).default([]),
  ports: z.array(z.number().int().min(1).max(65535)).min(1),
});

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/** A Kafka cluster pipelines may name (`kafka: <name>`); render writes its binding per target. */
const kafkaClusterSchema = z.strictObject({
  name: name(),
  brokers: z
    .array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port'))
    .min(1)
    .meta({ description: 'Bootstrap brokers, as host:port.' }),
  cidr: z.string().regex(CIDR, 'must be a CIDR').optional().meta({
    description:
      "Where the brokers are: the egress the network policy opens to them (on the brokers' ports). Without it the brokers must be in-cluster names.",
  }),
});

/** A database pipelines may name (`connection: <name>`); its connection string stays in a Secret. */
const databaseSchema = z.strictObject({
  name: name(),
  type: z.enum(['mongodb', 'postgres']),
  env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .meta({
      description:
        "The environment variable (from the workload's `secretEnv`) holding the connection string; the binding refers to it, never copies it.",
    }),
  service: name().optional().meta({ description: 'The stateful service it runs as, when in the cluster.' }),
  port: z.number().int().min(1).max(65535).optional(),
});

/**
 * An Apache Iceberg REST catalog pipelines may name (`catalog: <name>`, iceberg sink). On AWS and GCP the
 * binding is the provider's managed catalog (AWS Glue, BigLake); elsewhere the catalog you run at `uri`.
 */
const catalogSchema = z.strictObject({
  name: name(),
  bucket: z.string().min(1).meta({
    description: "A bucket from `buckets`: where the tables' files go (the warehouse bucket).",
  }),
  uri: z.url().optional().meta({
    description:
      'The REST catalog you run (e.g. Apache Polaris, Lakekeeper), for targets without a managed one (azure, baremetal, scaleway); the part before `/v1/`.',
  }),
  warehouse: z
    .string()
    .optional()
    .meta({ description: 'The warehouse to ask that catalog for, if it serves several.' }),
  tokenEnv: z.string().regex(ENV_NAME, 'must be an environment variable name').optional().meta({
    description:
      "That catalog's bearer token: the environment variable (from the workload's `secretEnv`) that holds it; the binding refers to it, never copies it.",
  }),
  cidr: z.string().regex(CIDR, 'must be a CIDR').optional().meta({
    description:
      'Where that catalog is: the egress the network policy opens to it (on the port of `uri`). Needed when `uri` is a host name.',
  }),
});

const platformFields = {
  name: name().meta({ description: 'The platform: app.kubernetes.io/part-of and resource name prefix.' }),
  namespace: name(),
  image: z.string().min(1).meta({ description: 'The datapipe runtime image that runs pipelines.' }),
  dns: z.strictObject({ zone: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a DNS zone') }),
  workloads: z.strictObject({
    pipelines: z.array(pipelineWorkloadSchema).default([]),
    services: z.array(serviceWorkloadSchema).default([]),
    statefulServices: z.array(statefulWorkloadSchema).default([]),
  }),
  exposure: z.array(exposureSchema).default([]),
  volumes: z.array(volumeSchema).default([]),
  buckets: z.array(bucketSchema).default([]),
  kafka: z.array(kafkaClusterSchema).default([]).meta({
    description: 'Kafka clusters pipelines name with `kafka: <name>` (docs/bindings.md).',
  }),
  databases: z.array(databaseSchema).default([]).meta({
    description: 'Databases pipelines name with `connection: <name>` (docs/bindings.md).',
  }),
  catalogs: z.array(catalogSchema).default([]).meta({
    description: 'Iceberg REST catalogs pipelines name with `catalog: <name>` (docs/bindings.md).',
  }),
  grants: z.array(grantSchema).default([]),
  network: z
    .strictObject({
      defaultDeny: z
        .literal(true)
        .default(true)
        .meta({ description: 'Always on: everything else is denied.' }),
      allow: z.array(networkRuleSchema).default([]),
    })
    .prefault({}),
  backup: z
    .strictObject({
      schedule: z.string().regex(CRON, 'must be a 5-field cron expression'),
      retentionDays: z.number().int().min(1).meta({ description: 'Backups older than this are deleted.' }),
      bucket: z.string().min(1).meta({ description: 'A bucket from `buckets`.' }),
      encryptionSecret: name().default('etcd-backup-encryption').meta({
        description: 'Bare metal: Secret with the `passphrase` that encrypts etcd snapshots.',
      }),
      image: z.string().default('ghcr.io/datapipe/etcd-backup:3.5').meta({
        description: 'Bare metal: image with bash, etcdctl, openssl and the AWS CLI (scripts/etcd-backup).',
      }),
    })
    .optional(),
  monitoring: z
    .strictObject({
      prometheus: z.boolean().default(true).meta({ description: 'PodMonitors for every pipeline.' }),
      grafanaDashboard: z.boolean().default(true),
    })
    .prefault({}),
};
const PLATFORM_META = {
  title: 'datapipe platform',
  description: 'A platform of datapipes, services and their dependencies.',
};
const platformBaseSchema = z.strictObject({ ...platformFields, targets: targetsBaseSchema });

/** The schema of platform.yaml for the registered targets (their facts blocks under `targets:`). */
export function platformSchema(targets: TargetFactsSchemas): typeof platformBaseSchema {
  return z.strictObject({ ...platformFields, targets: targetsSchema(targets) }).meta(PLATFORM_META);
}

export type PlatformConfig = z.output<typeof platformBaseSchema>;
export type PipelineWorkload = z.output<typeof pipelineWorkloadSchema>;
export type ServiceWorkload = z.output<typeof serviceWorkloadSchema>;
export type StatefulWorkload = z.output<typeof statefulWorkloadSchema>;
export type Exposure = z.output<typeof exposureSchema>;
export type NetworkRule = z.output<typeof networkRuleSchema>;
export type Volume = z.output<typeof volumeSchema>;
export type IcebergCatalog = z.output<typeof catalogSchema>;
