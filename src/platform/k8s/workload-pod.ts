/**
 * The pod and Deployment every workload kind shares (pipelines, services, stateful services): its own
 * ServiceAccount without a token, replicas spread over nodes and zones, the restricted security
 * contexts, and one container that reads the target's ConfigMap, with requests and limits and probes.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { PlatformConfig } from '../schema.ts';
import { targetConfigMapName, workloadMeta } from './common.ts';
import { type K8sObject, recommendedLabels, selectorLabels, typed } from './object.ts';
import {
  containerResources,
  containerSecurityContext,
  type PodVolume,
  type Resources,
  spreadReplicas,
} from './pod-security.ts';

export interface WorkloadPod {
  /** The workload's name: its ServiceAccount and (unless `container.name` says otherwise) its container. */
  readonly name: string;
  readonly component: string;
  readonly securityContext: Record<string, unknown>;
  /** Only where the workload needs longer than Kubernetes' 30 s to stop. */
  readonly terminationGracePeriodSeconds?: number;
  readonly volumes: readonly PodVolume[];
  readonly container: {
    readonly name?: string;
    readonly image: string;
    /** Left out when empty. */
    readonly args?: readonly string[];
    readonly port: { readonly name: string; readonly containerPort: number };
    readonly env: IEnvVar[];
    readonly resources: Resources;
    readonly livenessProbe: Record<string, unknown>;
    readonly readinessProbe: Record<string, unknown>;
    readonly volumeMounts: IVolumeMount[];
  };
}

export function workloadPodTemplate(config: PlatformConfig, pod: WorkloadPod): IPodTemplateSpec {
  const c = pod.container;
  const selector = selectorLabels(pod.name, config.name);
  return {
    metadata: {
      labels: recommendedLabels({
        name: pod.name,
        instance: pod.name,
        component: pod.component,
        partOf: config.name,
      }),
    },
    spec: {
      serviceAccountName: pod.name,
      automountServiceAccountToken: false,
      ...spreadReplicas(selector),
      ...(pod.terminationGracePeriodSeconds === undefined
        ? {}
        : { terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds }),
      securityContext: pod.securityContext,
      containers: [
        {
          name: c.name ?? pod.name,
          image: c.image,
          ...(c.args && c.args.length > 0 ? { args: [...c.args] } : {}),
          ports: [{ name: c.port.name, containerPort: c.port.containerPort, protocol: 'TCP' }],
          env: c.env,
          envFrom: [{ configMapRef: { name: targetConfigMapName(config) } }],
          imagePullPolicy: 'Always',
          resources: containerResources(c.resources, pod.volumes),
          securityContext: containerSecurityContext(),
          livenessProbe: c.livenessProbe,
          readinessProbe: c.readinessProbe,
          volumeMounts: c.volumeMounts,
        },
      ],
      volumes: [...pod.volumes],
    },
  } as IPodTemplateSpec;
}

/** A Deployment of the pod; `replicas` undefined leaves the count to an autoscaler. */
export function workloadDeployment(
  config: PlatformConfig,
  pod: WorkloadPod,
  replicas: number | undefined,
): K8sObject {
  return typed<IDeployment>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: workloadMeta(config, pod.name, pod.component),
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(pod.name, config.name) },
      template: workloadPodTemplate(config, pod),
    },
  });
}
