/**
 * A datapipe pipeline as a Deployment: the runtime image running the pipeline file from a ConfigMap,
 * health on :9464 (/healthz, /readyz, /metrics), state in an emptyDir, graceful shutdown time.
 */
import type { PipelineWorkload, PlatformConfig } from '../schema.ts';
import { envFromSecrets, podDisruptionBudget, targetConfigMapName, workloadMeta } from './common.ts';
import { type K8sObject, recommendedLabels, selectorLabels } from './object.ts';
import {
  containerResources,
  containerSecurityContext,
  httpProbe,
  podSecurityContext,
} from './pod-security.ts';

export const PIPELINE_HEALTH_PORT = 9464;
export const PIPELINE_COMPONENT = 'pipeline';
const CONFIG_DIR = '/etc/datapipe';
/** Pipeline files should set `stateDir` under this folder (the root filesystem is read-only). */
export const PIPELINE_STATE_DIR = '/var/lib/datapipe';
const RUNTIME_UID = 10001;

export function pipelineConfigMap(config: PlatformConfig, p: PipelineWorkload, fileText: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...workloadMeta(config, `${p.name}-pipeline`, PIPELINE_COMPONENT, p.name) },
    data: { 'pipeline.yaml': fileText },
  };
}

export function pipelineDeployment(config: PlatformConfig, p: PipelineWorkload): K8sObject {
  const labels = recommendedLabels({
    name: p.name,
    instance: p.name,
    component: PIPELINE_COMPONENT,
    partOf: config.name,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: workloadMeta(config, p.name, PIPELINE_COMPONENT),
    spec: {
      // With autoscaling KEDA owns the replica count; a fixed one here would fight it on every apply.
      ...(p.autoscaling ? {} : { replicas: p.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(p.name, config.name) },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: p.name,
          automountServiceAccountToken: false,
          // The runtime's default grace period is 30s; give it room to flush, commit and leave the group.
          terminationGracePeriodSeconds: 45,
          securityContext: podSecurityContext(RUNTIME_UID),
          containers: [
            {
              name: 'datapipe',
              image: config.image,
              args: ['run', `${CONFIG_DIR}/pipeline.yaml`],
              ports: [{ name: 'metrics', containerPort: PIPELINE_HEALTH_PORT, protocol: 'TCP' }],
              env: envFromSecrets(p.secretEnv),
              envFrom: [{ configMapRef: { name: targetConfigMapName(config) } }],
              resources: containerResources(p.resources),
              securityContext: containerSecurityContext(),
              livenessProbe: httpProbe('/healthz', 'metrics', 10),
              readinessProbe: httpProbe('/readyz', 'metrics', 5),
              volumeMounts: [
                { name: 'pipeline', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'state', mountPath: PIPELINE_STATE_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'pipeline', configMap: { name: `${p.name}-pipeline` } },
            { name: 'state', emptyDir: {} },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

export function pipelineObjects(config: PlatformConfig, p: PipelineWorkload, fileText: string): K8sObject[] {
  return [
    pipelineConfigMap(config, p, fileText),
    pipelineDeployment(config, p),
    podDisruptionBudget(config, p.name, PIPELINE_COMPONENT),
  ];
}
