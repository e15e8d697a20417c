/** Objects every workload kind shares: the Namespace, PodDisruptionBudgets, metadata. */

import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IService } from 'kubernetes-models/v1/Service';
import type { PlatformConfig } from '../schema.ts';
import { type K8sObject, type ObjectMeta, recommendedLabels, selectorLabels, typed } from './object.ts';

const TARGET_CONFIGMAP_SUFFIX = '-target';

/** Metadata of an object that belongs to one workload of the platform. */
export function workloadMeta(
  config: PlatformConfig,
  name: string,
  component: string,
  app = name,
): ObjectMeta {
  return {
    name,
    namespace: config.namespace,
    labels: recommendedLabels({ name: app, instance: name, component, partOf: config.name }),
  };
}

/** The ConfigMap of target facts (region, endpoints) every container reads: a binding, rendered per target. */
export function targetConfigMapName(config: PlatformConfig): string {
  return `${config.name}${TARGET_CONFIGMAP_SUFFIX}`;
}

export function namespace(config: PlatformConfig): K8sObject {
  return typed<INamespace>({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: config.namespace,
      labels: {
        ...recommendedLabels({
          name: config.name,
          instance: config.name,
          component: 'namespace',
          partOf: config.name,
        }),
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  });
}

/**
 * One voluntary disruption at a time; maxUnavailable (not minAvailable) so single replicas can drain.
 * AlwaysAllow: a pod that is not Ready (crash-looping) can still be evicted, so it never blocks a node drain.
 */
export function podDisruptionBudget(config: PlatformConfig, name: string, component: string): K8sObject {
  return typed<IPodDisruptionBudget>({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: workloadMeta(config, name, component),
    spec: {
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: selectorLabels(name, config.name) },
    },
  });
}

/** The Service in front of one workload's pods: one named port, either a ClusterIP or headless. */
export function workloadService(
  config: PlatformConfig,
  name: string,
  component: string,
  port: { name: string; port: number },
  kind: 'cluster-ip' | 'headless',
): K8sObject {
  return typed<IService>({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: workloadMeta(config, name, component),
    spec: {
      ...(kind === 'headless' ? { clusterIP: 'None' } : { type: 'ClusterIP' }),
      selector: selectorLabels(name, config.name),
      ports: [{ name: port.name, port: port.port, targetPort: port.name, protocol: 'TCP' }],
    },
  });
}

/** A workload container's environment: its plain settings, then the variables taken from Secrets. */
export function workloadEnv(w: {
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: ReadonlyArray<{ name: string; secret: string; key: string }>;
}): IEnvVar[] {
  return [
    ...Object.entries(w.env).map(([name, value]) => ({ name, value })),
    ...w.secretEnv.map((e) => ({
      name: e.name,
      valueFrom: { secretKeyRef: { name: e.secret, key: e.key } },
    })),
  ];
}
