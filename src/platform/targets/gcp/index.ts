/** Google Cloud (GKE): everything the GCP target means, reachable from here. */
import { PUBLIC_INTERNET } from '../../bindings.ts';
import type { TargetDescriptor } from '../descriptor.ts';
import { type GcpFacts, gcpFactsSchema } from './facts.ts';
import { gcpTarget } from './render.ts';

const BIGLAKE_ICEBERG_ENDPOINT = 'https://biglake.googleapis.com/iceberg/v1/restcatalog';

export const gcp: TargetDescriptor = {
  name: 'gcp',
  title: 'Google Cloud (GKE)',
  facts: gcpFactsSchema,
  render: gcpTarget,
  bindings: {
    objectStore: (_facts, bucket) => ({ driver: 'gcs', bucket, auth: 'workload' }),
    objectStoreEgress: () => ({ host: 'storage.googleapis.com', port: 443, ...PUBLIC_INTERNET }),
    // BigLake's Iceberg REST catalog: a single-bucket catalog's warehouse is gs://<bucket>; requests carry
    // an OAuth token from ADC (GKE Workload Identity) and the project for billing and quota.
    // https://docs.cloud.google.com/lakehouse/docs/spark-support
    icebergCatalog: (facts, catalog) => ({
      catalogUri: BIGLAKE_ICEBERG_ENDPOINT,
      warehouse: `gs://${catalog.bucket}`,
      auth: 'google',
      headers: { 'x-goog-user-project': (facts as GcpFacts).projectId },
    }),
    icebergCatalogEgress: () => ({
      host: new URL(BIGLAKE_ICEBERG_ENDPOINT).hostname,
      port: 443,
      ...PUBLIC_INTERNET,
    }),
  },
  audit: { ruleId: 'GCP' },
  import: {
    placeholders: {
      projectId: 'replace-me',
      region: 'europe-west1',
      dnsManagedZone: 'replace-me',
      kmsKeyId: 'projects/replace-me/locations/europe-west1/keyRings/replace-me/cryptoKeys/replace-me',
    },
    observe({ terraform, attribute }) {
      const project = terraform
        .map((r) => attribute(r.block, 'project'))
        .find((p) => p && /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(p));
      const facts: Record<string, unknown> = project ? { projectId: project } : {};
      const zone = terraform.find((r) => r.type.replace(/^data\./, '') === 'google_dns_managed_zone');
      const zoneName = zone && attribute(zone.block, 'name');
      if (zoneName && /^[a-z][a-z0-9-]{0,62}$/.test(zoneName)) facts['dnsManagedZone'] = zoneName;
      return facts;
    },
    dnsZone: (type, block, attribute) =>
      type === 'google_dns_managed_zone' ? attribute(block, 'dns_name') : undefined,
    internalLoadBalancer: [
      ['networking.gke.io/load-balancer-type', /^internal$/i],
      ['cloud.google.com/load-balancer-type', /^internal$/i],
    ],
  },
  plan: {
    clusterDays: 2,
    cluster: 'a managed cluster',
    rcloneRemote: 'google cloud storage',
    lowerTtlCommand: (_zone, host) =>
      `gcloud dns record-sets update ${host}. --zone=<managed-zone> --type=A --ttl=60 --rrdatas=<current>`,
  },
};
