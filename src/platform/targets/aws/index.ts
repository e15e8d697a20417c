/** AWS (EKS): everything the AWS target means, reachable from here. */
import { PUBLIC_INTERNET } from '../../bindings.ts';
import type { TargetDescriptor } from '../descriptor.ts';
import { type AwsFacts, awsFactsSchema } from './facts.ts';
import { awsTarget } from './render.ts';

const glueIcebergEndpoint = (region: string) => `https://glue.${region}.amazonaws.com/iceberg`;

const REGION = /\b((?:eu|us|ap|sa|ca|me|af)-(?:central|west|east|north|south|northeast|southeast)-\d)\b/;

export const aws: TargetDescriptor = {
  name: 'aws',
  title: 'AWS (EKS)',
  facts: awsFactsSchema,
  render: awsTarget,
  bindings: {
    objectStore: (facts, bucket) => ({
      driver: 's3',
      bucket,
      region: (facts as AwsFacts).region,
      auth: 'workload',
    }),
    objectStoreEgress: (facts) => ({
      host: `s3.${(facts as AwsFacts).region}.amazonaws.com`,
      port: 443,
      ...PUBLIC_INTERNET,
    }),
    // The Data Catalog's Iceberg REST endpoint: warehouse = the account's catalog id, requests signed with
    // SigV4 for service `glue` by the workload's IRSA / Pod Identity credentials.
    // https://docs.aws.amazon.com/glue/latest/dg/connect-glu-iceberg-rest.html
    icebergCatalog: (facts) => {
      const { region, accountId } = facts as AwsFacts;
      return {
        catalogUri: glueIcebergEndpoint(region),
        warehouse: accountId,
        auth: 'sigv4',
        signingRegion: region,
        signingName: 'glue',
      };
    },
    icebergCatalogEgress: (facts) => ({
      host: new URL(glueIcebergEndpoint((facts as AwsFacts).region)).hostname,
      port: 443,
      ...PUBLIC_INTERNET,
    }),
  },
  audit: { ruleId: 'AWS' },
  import: {
    placeholders: {
      region: 'eu-central-1',
      accountId: '000000000000',
      clusterName: 'replace-me',
      oidcIssuer: 'oidc.eks.eu-central-1.amazonaws.com/id/REPLACEME',
      hostedZoneId: 'Z0000000000REPLACEME',
      kmsKeyArn: 'arn:aws:kms:eu-central-1:000000000000:key/00000000-0000-0000-0000-000000000000',
    },
    observe({ text, terraform, attribute }) {
      const facts: Record<string, unknown> = {};
      const region = REGION.exec(text)?.[1];
      if (region) facts['region'] = region;
      const account = /arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(text)?.[1];
      if (account) facts['accountId'] = account;
      const kms = /arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+/.exec(text)?.[0];
      if (kms) facts['kmsKeyArn'] = kms;
      // A literal hosted zone id: on a zone data source, a record, or an external-dns flag.
      const zoneId =
        terraform.map((r) => attribute(r.block, 'zone_id')).find((v) => v && /^Z[A-Z0-9]{8,32}$/.test(v)) ??
        /--(?:zone-id-filter|txt-owner-id)=(Z[A-Z0-9]{8,32})\b/.exec(text)?.[1];
      if (zoneId) facts['hostedZoneId'] = zoneId;
      return facts;
    },
    dnsZone: (type, block, attribute) => (type === 'aws_route53_zone' ? attribute(block, 'name') : undefined),
    internalLoadBalancer: [
      ['service.beta.kubernetes.io/aws-load-balancer-internal', /^(true|0\.0\.0\.0\/0)$/i],
      ['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i],
    ],
  },
  plan: {
    clusterDays: 2,
    cluster: 'a managed cluster',
    rcloneRemote: 's3 (provider AWS)',
    lowerTtlCommand: (_zone, host) =>
      `aws route53 change-resource-record-sets --hosted-zone-id <zone-id> --change-batch file://ttl-${host}.json  # UPSERT ${host} TTL 60`,
  },
};
