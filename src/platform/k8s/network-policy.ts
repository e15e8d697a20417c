/**
 * NetworkPolicies, identical on every target: default deny in both directions, DNS egress, then one
 * policy per workload with exactly the flows platform.yaml allows (plus the ones exposure and
 * monitoring imply). Enforcement needs a CNI that implements NetworkPolicy: see the runbook.
 */

import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { NetworkRule, PlatformConfig } from '../schema.ts';
import { workloadMeta } from './common.ts';
import { type K8sObject, recommendedLabels, selectorLabels, typed } from './object.ts';
import { PIPELINE_HEALTH_PORT } from './pipeline.ts';

/** The runbook's check that the rendered NetworkPolicies are enforced. */
export const NETWORK_POLICY_VERIFY =
  'From a pod of the namespace that no rule allows, `wget -T 3 http://SERVICE:PORT` times out, while the allowed flows answer.';

/** Namespaces of the traffic sources that are not workloads. */
const SOURCE_NAMESPACES: Record<string, string> = {
  gateway: 'envoy-gateway-system',
  monitoring: 'monitoring',
};

/** An Ingress controller's namespace, as a traffic source (`from`) of the implied rules. */
const INGRESS_SOURCE = 'ingress:';

function peer(config: PlatformConfig, name: string): INetworkPolicyPeer {
  const ns = name.startsWith(INGRESS_SOURCE) ? name.slice(INGRESS_SOURCE.length) : SOURCE_NAMESPACES[name];
  if (ns) return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } };
  return { podSelector: { matchLabels: selectorLabels(name, config.name) } };
}

const tcp = (ports: readonly number[]) => ports.map((port) => ({ protocol: 'TCP' as const, port }));

/** The rules as written plus the implied ones: gateway → exposed services, monitoring → pipeline metrics. */
function effectiveRules(config: PlatformConfig): NetworkRule[] {
  const rules: NetworkRule[] = [...config.network.allow];
  for (const e of config.exposure) {
    const svc = config.workloads.services.find((s) => s.name === e.service);
    const from = e.via === 'ingress' ? `${INGRESS_SOURCE}${e.ingressNamespace}` : 'gateway';
    if (svc) rules.push({ from, to: svc.name, ports: [svc.port], except: [] });
  }
  if (config.monitoring.prometheus) {
    for (const p of config.workloads.pipelines)
      rules.push({ from: 'monitoring', to: p.name, ports: [PIPELINE_HEALTH_PORT], except: [] });
  }
  return rules;
}

function platformMeta(config: PlatformConfig, name: string): K8sObject['metadata'] {
  return {
    name,
    namespace: config.namespace,
    labels: recommendedLabels({ name, instance: name, component: 'network-policy', partOf: config.name }),
  };
}

export function networkPolicies(config: PlatformConfig): K8sObject[] {
  const out: K8sObject[] = [
    typed<INetworkPolicy>({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: platformMeta(config, 'default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }),
    typed<INetworkPolicy>({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: platformMeta(config, 'allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    }),
  ];
  const rules = effectiveRules(config);
  const { pipelines, services, statefulServices } = config.workloads;
  const names = [...pipelines, ...services, ...statefulServices].map((w) => w.name).sort();
  for (const name of names) {
    const ingress = rules
      .filter((r) => r.to === name)
      .map((r) => ({ from: [peer(config, r.from)], ports: tcp(r.ports) }));
    const egress = rules
      .filter((r) => r.from === name)
      .map((r) => ({
        to: [
          r.to !== undefined
            ? peer(config, r.to)
            : // load.ts guarantees exactly one of `to` and `toCidr`.
              { ipBlock: { cidr: r.toCidr!, ...(r.except.length > 0 ? { except: r.except } : {}) } },
        ],
        ports: tcp(r.ports),
      }));
    out.push(
      typed<INetworkPolicy>({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { ...workloadMeta(config, name, 'network-policy') },
        spec: {
          podSelector: { matchLabels: selectorLabels(name, config.name) },
          policyTypes: ['Ingress', 'Egress'],
          ingress,
          egress,
        },
      }),
    );
  }
  return out;
}
