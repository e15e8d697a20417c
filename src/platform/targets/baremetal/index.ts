/** Bare metal (a self-managed cluster): everything the bare-metal target means, reachable from here. */
import { endpointEgress } from '../../bindings.ts';
import type { TargetDescriptor } from '../descriptor.ts';
import { type BaremetalFacts, baremetalFactsSchema } from './facts.ts';
import { baremetalTarget } from './render.ts';

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
        auth: 'auto',
      };
    },
    objectStoreEgress(facts) {
      const { s3 } = facts as BaremetalFacts;
      return endpointEgress(s3.endpoint, s3.cidr, ['targets', 'baremetal', 's3', 'cidr']);
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
