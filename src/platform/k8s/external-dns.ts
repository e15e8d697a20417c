/**
 * external-dns, rendered (not installed by chart) because its provider flags are the DNS binding.
 * Sources: the Gateway API routes and Ingresses this platform renders; TXT registry owned by the
 * platform; upsert-only so it never deletes records it did not create.
 */

import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { PLATFORM_IDENTITY_PLACES, type PlatformModel } from '../model.ts';
import { type K8sObject, recommendedLabels, typed } from './object.ts';
import {
  containerSecurityContext,
  ephemeralStorage,
  type PodVolume,
  podSecurityContext,
} from './pod-security.ts';

const EXTERNAL_DNS_IMAGE = 'registry.k8s.io/external-dns/external-dns:v0.19.0';

export interface ExternalDnsProvider {
  /** e.g. `aws`, `azure`, `google`, `rfc2136`. */
  readonly provider: string;
  readonly args: readonly string[];
  readonly env?: readonly IEnvVar[];
  /** Pod template labels (Azure workload identity needs one). */
  readonly podLabels?: Record<string, string>;
  readonly volumes?: ReadonlyArray<{ volume: IVolume; mount: IVolumeMount }>;
}

export function externalDnsObjects(model: PlatformModel, p: ExternalDnsProvider): K8sObject[] {
  const { config } = model;
  const place = PLATFORM_IDENTITY_PLACES['external-dns']!;
  const labels = recommendedLabels({
    name: 'external-dns',
    instance: 'external-dns',
    component: 'dns',
    partOf: config.name,
  });
  const meta = { name: 'external-dns', namespace: place.namespace, labels };
  const storage = ephemeralStorage((p.volumes ?? []).map((v) => v.volume as PodVolume));
  const sources: string[] = [];
  if (config.exposure.some((e) => e.via === 'gateway')) sources.push('--source=gateway-httproute');
  if (config.exposure.some((e) => e.via === 'ingress')) sources.push('--source=ingress');
  const rules: IPolicyRule[] = [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
  ];
  if (sources.includes('--source=gateway-httproute'))
    rules.push({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['gateways', 'httproutes'],
      verbs: ['get', 'list', 'watch'],
    });
  if (sources.includes('--source=ingress'))
    rules.push({
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses'],
      verbs: ['get', 'list', 'watch'],
    });
  const selector = { 'app.kubernetes.io/instance': 'external-dns', 'app.kubernetes.io/part-of': config.name };
  return [
    typed<IClusterRole>({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${config.name}-external-dns`, labels },
      rules,
    }),
    typed<IClusterRoleBinding>({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${config.name}-external-dns`, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: `${config.name}-external-dns`,
      },
      subjects: [{ kind: 'ServiceAccount', name: place.serviceAccount, namespace: place.namespace }],
    }),
    typed<IDeployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: 1,
        // Two instances would fight over the same records.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, ...(p.podLabels ?? {}) } },
          spec: {
            serviceAccountName: place.serviceAccount,
            // external-dns reads the Kubernetes API and exchanges the projected token for cloud credentials.
            automountServiceAccountToken: true,
            securityContext: podSecurityContext(65534),
            containers: [
              {
                name: 'external-dns',
                image: EXTERNAL_DNS_IMAGE,
                imagePullPolicy: 'Always',
                args: [
                  ...sources,
                  `--provider=${p.provider}`,
                  `--domain-filter=${config.dns.zone}`,
                  '--policy=upsert-only',
                  '--registry=txt',
                  `--txt-owner-id=${config.name}`,
                  ...p.args,
                ],
                ...(p.env && p.env.length > 0 ? { env: [...p.env] } : {}),
                ports: [{ name: 'http', containerPort: 7979, protocol: 'TCP' }],
                // external-dns has one health endpoint: liveness waits longer before a restart than readiness.
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  periodSeconds: 10,
                  failureThreshold: 6,
                },
                readinessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                resources: {
                  requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': storage.request },
                  limits: { cpu: '200m', memory: '128Mi', 'ephemeral-storage': storage.limit },
                },
                securityContext: containerSecurityContext(),
                ...(p.volumes && p.volumes.length > 0 ? { volumeMounts: p.volumes.map((v) => v.mount) } : {}),
              },
            ],
            ...(p.volumes && p.volumes.length > 0 ? { volumes: p.volumes.map((v) => v.volume) } : {}),
          },
        },
      },
    }),
    {
      // Nothing connects to external-dns; it reaches DNS (the cluster's, and an RFC 2136 server on
      // bare metal), the Kubernetes API and the provider's HTTPS API.
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [
          {
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
              { protocol: 'TCP', port: 443 },
              { protocol: 'TCP', port: 6443 },
            ],
          },
        ],
      },
    },
    typed<IPodDisruptionBudget>({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta,
      spec: {
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        selector: { matchLabels: selector },
      },
    }),
  ];
}
