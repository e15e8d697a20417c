/** Bare metal (a self-managed cluster): everything the bare-metal target means, reachable from here. */
import { endpointEgress } from '../../egress.ts';
import { podTemplatePatch } from '../../k8s/patch.ts';
import type { TargetDescriptor } from '../descriptor.ts';
import { type BaremetalFacts, baremetalFactsSchema } from './facts.ts';
import { baremetalTarget } from './render.ts';

/** Where a bound pipeline mounts the CA of `targets.baremetal.s3.caBundle`. */
const CA_DIR = '/etc/datapipe-ca';
const CA_VOLUME = 'object-store-ca';

export const baremetal: TargetDescriptor = {
  name: 'baremetal',
  title: 'Bare metal',
  facts: baremetalFactsSchema,
  render: baremetalTarget,
  bindings: {
    // Keys: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from Secret `<identity>-s3` (envFrom), read by the
    // AWS default chain (`auth: auto`).
    objectStore(facts, bucket) {
      const { s3 } = facts as BaremetalFacts;
      return {
        driver: 's3',
        bucket,
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        ...(s3.caBundle ? { caBundle: `${CA_DIR}/${s3.caBundle.key}` } : {}),
        auth: 'auto',
      };
    },
    objectStoreEgress(facts) {
      const { s3 } = facts as BaremetalFacts;
      return endpointEgress(s3.endpoint, s3.cidr, {
        path: ['targets', 'baremetal', 's3', 'cidr'],
        bound: 'store',
        server: 'S3 server',
      });
    },
    // A private CA of the S3 server: mounted read-only where the bindings' `caBundle` points, in the
    // pipelines bound to a store or an Iceberg catalog (whose files are in that store).
    pipelinePatches(facts, deployment, bindings) {
      const { caBundle } = (facts as BaremetalFacts).s3;
      const bound = Object.values(bindings).some(
        (b) => b['type'] === 'object-store' || b['type'] === 'iceberg-catalog',
      );
      if (!caBundle || !bound) return [];
      const items = [{ key: caBundle.key, path: caBundle.key }];
      const source =
        'configMap' in caBundle
          ? { configMap: { name: caBundle.configMap, items } }
          : { secret: { secretName: caBundle.secret, items } };
      return [
        podTemplatePatch(deployment, {
          volumes: [{ name: CA_VOLUME, ...source }],
          volumeMounts: [{ name: CA_VOLUME, mountPath: CA_DIR, readOnly: true }],
        }),
      ];
    },
  },
  audit: { ruleId: 'BM' },
  import: {
    placeholders: {
      ipPool: ['192.0.2.240-192.0.2.250'],
      dns: {
        server: '192.0.2.2',
        tsigKeyName: 'replace-me',
        tsigSecret: { name: 'external-dns-tsig', key: 'tsig-secret' },
      },
      storage: { system: 'longhorn', replicas: 3 },
      s3: { endpoint: 'https://s3.replace-me.internal:9000', kmsKeyId: 'replace-me' },
    },
  },
  plan: {
    clusterDays: 5,
    cluster: 'a self-managed cluster (kubeadm or k3s, MetalLB, storage, an S3-compatible store)',
    rcloneRemote: 's3 (provider Minio/Ceph)',
    lowerTtlCommand: (_zone, host) => `nsupdate -k <tsig.key> <<< "update add ${host}. 60 A <current>"`,
  },
};
