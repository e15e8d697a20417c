/**
 * The few provider facts each target needs, one block per target under `targets:`, so one
 * platform.yaml renders for all four and `--target` picks one. Everything else is provider-neutral.
 */
import { z } from 'zod';

export const TARGET_NAMES = ['aws', 'azure', 'gcp', 'baremetal'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CIDR_OR_RANGE = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2}|-(\d{1,3}\.){3}\d{1,3})$/;

const secretKeyRef = z.strictObject({
  name: z.string().min(1).meta({ description: 'Name of a Secret you create (never rendered).' }),
  key: z.string().min(1).meta({ description: 'Key inside that Secret.' }),
});

export const awsFactsSchema = z
  .strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-central-1'),
    accountId: z.string().regex(/^\d{12}$/, 'must be the 12-digit AWS account id'),
    clusterName: z.string().min(1),
    oidcIssuer: z
      .string()
      .regex(
        /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-Z0-9]+$/,
        'must be the EKS OIDC issuer host/path',
      )
      .meta({ description: 'The cluster OIDC issuer without https://, for IRSA trust policies.' }),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]+$/, 'must be a Route 53 hosted zone id'),
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, 'must be a KMS key ARN')
      .meta({ description: 'Customer managed key for EBS volumes, S3 buckets and backups.' }),
  })
  .meta({ description: 'Facts of an EKS cluster.' });

export const azureFactsSchema = z
  .strictObject({
    subscriptionId: z.string().regex(UUID, 'must be a subscription id (UUID)'),
    tenantId: z.string().regex(UUID, 'must be a tenant id (UUID)'),
    resourceGroup: z.string().min(1),
    location: z.string().min(1),
    oidcIssuerUrl: z.url().meta({ description: 'The AKS cluster OIDC issuer URL (workload identity).' }),
    dnsZoneResourceGroup: z.string().min(1),
    storageAccount: z.string().regex(/^[a-z0-9]{3,24}$/, 'must be 3-24 lower-case letters or digits'),
    keyVaultKeyId: z.url().meta({ description: 'Versionless Key Vault key id for the storage account CMK.' }),
    diskEncryptionSetId: z
      .string()
      .regex(/^\/subscriptions\/.+\/providers\/Microsoft\.Compute\/diskEncryptionSets\/.+$/)
      .meta({ description: 'ARM id of the disk encryption set (CMK) for managed disks.' }),
    clientIds: z.record(z.string(), z.string().regex(UUID, 'must be a client id (UUID)')).default({}).meta({
      description:
        'Client id of each workload identity, from `tofu output client_ids` after applying provider/.',
    }),
  })
  .meta({ description: 'Facts of an AKS cluster.' });

export const gcpFactsSchema = z
  .strictObject({
    projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id'),
    region: z.string().min(1),
    dnsManagedZone: z.string().min(1).meta({ description: 'Cloud DNS managed zone name.' }),
    kmsKeyId: z
      .string()
      .regex(
        /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/,
        'must be projects/P/locations/L/keyRings/R/cryptoKeys/K',
      ),
  })
  .meta({ description: 'Facts of a GKE cluster.' });

export const baremetalFactsSchema = z
  .strictObject({
    ipPool: z
      .array(z.string().regex(CIDR_OR_RANGE, 'must be a CIDR or an a.b.c.d-e.f.g.h range'))
      .min(1)
      .meta({ description: 'Addresses MetalLB may hand to LoadBalancer Services.' }),
    dns: z.strictObject({
      server: z.string().min(1).meta({ description: 'Authoritative DNS server accepting RFC2136 updates.' }),
      port: z.number().int().min(1).max(65535).default(53),
      tsigKeyName: z.string().min(1),
      tsigAlgorithm: z.enum(['hmac-sha256', 'hmac-sha512']).default('hmac-sha256'),
      tsigSecret: secretKeyRef.meta({
        description: 'Secret (in the external-dns namespace) with the TSIG key.',
      }),
    }),
    storage: z.discriminatedUnion('system', [
      z.strictObject({ system: z.literal('longhorn'), replicas: z.number().int().min(1).default(3) }),
      z.strictObject({
        system: z.literal('ceph-rbd'),
        clusterId: z.string().min(1),
        pool: z.string().min(1),
      }),
    ]),
    s3: z.strictObject({
      endpoint: z.url().meta({ description: 'The S3-compatible server (e.g. MinIO) URL.' }),
      region: z.string().default('us-east-1'),
      kmsKeyId: z.string().min(1).meta({ description: 'Key name in the S3 server KMS for bucket SSE.' }),
      cidr: z
        .string()
        .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be a CIDR')
        .optional()
        .meta({
          description:
            'Where the S3 server is: pipelines bound to its buckets get egress to this CIDR on the endpoint port. Needed when the endpoint is a host name.',
        }),
    }),
    etcd: z
      .strictObject({
        endpoints: z.string().default('https://127.0.0.1:2379'),
        pkiDir: z.string().default('/etc/kubernetes/pki/etcd'),
      })
      .prefault({}),
  })
  .meta({ description: 'Facts of a self-managed cluster on bare metal.' });

export const targetsSchema = z
  .strictObject({
    default: z.enum(TARGET_NAMES).optional().meta({ description: 'Target used when --target is not given.' }),
    aws: awsFactsSchema.optional(),
    azure: azureFactsSchema.optional(),
    gcp: gcpFactsSchema.optional(),
    baremetal: baremetalFactsSchema.optional(),
  })
  .meta({ description: 'One block of facts per target this platform can be rendered for.' });

export type AwsFacts = z.output<typeof awsFactsSchema>;
export type AzureFacts = z.output<typeof azureFactsSchema>;
export type GcpFacts = z.output<typeof gcpFactsSchema>;
export type BaremetalFacts = z.output<typeof baremetalFactsSchema>;
export type TargetsConfig = z.output<typeof targetsSchema>;
