/** The facts of a self-managed cluster under `targets.baremetal`. */
import { z } from 'zod';
import { CIDR_OR_RANGE, secretKeyRef } from '../../target-facts.ts';

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
      caBundle: z
        .union([
          z.strictObject({
            configMap: z.string().min(1).meta({ description: 'A ConfigMap you create in the namespace.' }),
            key: z.string().min(1).meta({ description: 'Its key holding the PEM CA bundle.' }),
          }),
          z.strictObject({
            secret: z.string().min(1).meta({ description: 'A Secret you create in the namespace.' }),
            key: z.string().min(1).meta({ description: 'Its key holding the PEM CA bundle.' }),
          }),
        ])
        .optional()
        .meta({
          description:
            "The CA that signed the S3 server's certificate, when it is a private one: pipelines bound to its buckets mount it and their bindings' `caBundle` points at it.",
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

export type BaremetalFacts = z.output<typeof baremetalFactsSchema>;
