/**
 * Scaleway (Kapsule): everything the Scaleway target means, reachable from here. Chosen as the fifth
 * target in docs/decisions/0030-scaleway-target.md.
 */
import { PUBLIC_INTERNET } from '../../bindings.ts';
import type { TargetDescriptor } from '../descriptor.ts';
import { type ScalewayFacts, scalewayFactsSchema } from './facts.ts';
import { scalewayS3Endpoint, scalewayTarget } from './render.ts';

const PLACEHOLDER_UUID = '00000000-0000-0000-0000-000000000000';
const REGION = /\b(fr-par|nl-ams|pl-waw|it-mil)\b/;

export const scaleway: TargetDescriptor = {
  name: 'scaleway',
  title: 'Scaleway (Kapsule)',
  facts: scalewayFactsSchema,
  render: scalewayTarget,
  bindings: {
    // Object Storage is S3-compatible at https://s3.<region>.scw.cloud. Scaleway has no workload identity
    // for it: the keys are AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from Secret `<identity>-scw`
    // (written by provider/, read through envFrom), found by the AWS default chain (`auth: auto`).
    objectStore(facts, bucket) {
      const { region } = facts as ScalewayFacts;
      return { driver: 's3', bucket, endpoint: scalewayS3Endpoint(region), region, auth: 'auto' };
    },
    objectStoreEgress: (facts) => ({
      host: new URL(scalewayS3Endpoint((facts as ScalewayFacts).region)).hostname,
      port: 443,
      ...PUBLIC_INTERNET,
    }),
  },
  audit: { ruleId: 'SCW' },
  import: {
    placeholders: {
      region: 'fr-par',
      projectId: PLACEHOLDER_UUID,
      keyManagerKeyId: PLACEHOLDER_UUID,
      terraformPrincipal: `application_id:${PLACEHOLDER_UUID}`,
    },
    observe({ text, terraform, attribute }) {
      const facts: Record<string, unknown> = {};
      const region = REGION.exec(text)?.[1];
      if (region) facts['region'] = region;
      const project = terraform
        .map((r) => attribute(r.block, 'project_id'))
        .find((p) => p && /^[0-9a-f-]{36}$/.test(p));
      if (project) facts['projectId'] = project;
      return facts;
    },
    // registry.terraform.io/providers/scaleway/scaleway/latest/docs/resources/domain_zone: the zone is
    // `subdomain.domain` (or the domain itself when subdomain is empty).
    dnsZone(type, block, attribute) {
      if (type !== 'scaleway_domain_zone') return undefined;
      const domain = attribute(block, 'domain');
      const subdomain = attribute(block, 'subdomain');
      return domain && subdomain ? `${subdomain}.${domain}` : domain;
    },
    // github.com/scaleway/scaleway-cloud-controller-manager docs/loadbalancer-annotations.md
    internalLoadBalancer: [['service.beta.kubernetes.io/scw-loadbalancer-private', /^true$/i]],
  },
  plan: {
    clusterDays: 2,
    cluster: 'a managed Kapsule cluster',
    rcloneRemote: 's3 (provider Scaleway)',
    lowerTtlCommand: (zone, host) =>
      `scw dns record set ${zone} name=${host.replace(`.${zone}`, '')} type=CNAME ttl=60 values.0=<current>`,
  },
};
