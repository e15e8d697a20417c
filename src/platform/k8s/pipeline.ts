/**
 * A datapipe pipeline as a Deployment: the runtime image running the pipeline file from a ConfigMap,
 * health on :9464 (/healthz, /readyz, /metrics), state in an emptyDir, graceful shutdown time.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { BINDINGS_DIR, BINDINGS_FILE, bindingsConfigMapName } from '../bindings.ts';
import type { PipelineWorkload, PlatformConfig } from '../schema.ts';
import { podDisruptionBudget, workloadEnv, workloadMeta } from './common.ts';
import { type K8sObject, typed } from './object.ts';
import { httpProbe, podSecurityContext } from './pod-security.ts';
import { workloadDeployment } from './workload-pod.ts';

export const PIPELINE_HEALTH_PORT = 9464;
export const PIPELINE_COMPONENT = 'pipeline';
const CONFIG_DIR = '/etc/datapipe';
/** Pipeline files should set `stateDir` under this folder (the root filesystem is read-only). */
const PIPELINE_STATE_DIR = '/var/lib/datapipe';
const RUNTIME_UID = 10001;

const QUANTITY_MIB: Record<string, number> = {
  '': 1 / 1024 ** 2,
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 ** 2,
  k: 1e3 / 1024 ** 2,
  M: 1e6 / 1024 ** 2,
  G: 1e9 / 1024 ** 2,
  T: 1e12 / 1024 ** 2,
};

/**
 * V8 grows its heap lazily up to a limit of its own choosing, so without a cap the pod's RSS drifts
 * towards the memory limit and the kernel kills it. Capping the old space at 3/4 of the limit leaves
 * room for buffers and code, and makes garbage collection, not the OOM killer, bound the heap.
 */
export function heapLimitEnv(memoryLimit: string): { name: string; value: string } {
  const match = /^(\d+(?:\.\d+)?)([KMGT]i?|k)?$/.exec(memoryLimit);
  const mib = match ? Number(match[1]) * (QUANTITY_MIB[match[2] ?? ''] ?? 1) : 512;
  return { name: 'NODE_OPTIONS', value: `--max-old-space-size=${Math.max(64, Math.floor(mib * 0.75))}` };
}

function pipelineConfigMap(config: PlatformConfig, p: PipelineWorkload, fileText: string): K8sObject {
  return typed<IConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...workloadMeta(config, `${p.name}-pipeline`, PIPELINE_COMPONENT, p.name) },
    data: { 'pipeline.yaml': fileText },
  });
}

/**
 * `bound`: the pipeline names platform resources, so it runs with `--bindings` from the ConfigMap
 * `<pipeline>-bindings` that each target's overlay supplies (src/platform/bindings.ts). The workload is
 * the same on every target; only that ConfigMap differs.
 */
function pipelineDeployment(config: PlatformConfig, p: PipelineWorkload, bound = false): K8sObject {
  return workloadDeployment(
    config,
    {
      name: p.name,
      component: PIPELINE_COMPONENT,
      // The runtime's default grace period is 30s; give it room to flush, commit and leave the group.
      terminationGracePeriodSeconds: 45,
      securityContext: podSecurityContext(RUNTIME_UID),
      volumes: [
        { name: 'pipeline', configMap: { name: `${p.name}-pipeline` } },
        { name: 'state', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        ...(bound ? [{ name: 'bindings', configMap: { name: bindingsConfigMapName(p.name) } }] : []),
      ],
      container: {
        name: 'datapipe',
        image: config.image,
        args: ['run', `${CONFIG_DIR}/pipeline.yaml`, ...(bound ? ['--bindings', BINDINGS_FILE] : [])],
        port: { name: 'metrics', containerPort: PIPELINE_HEALTH_PORT },
        env: [...workloadEnv(p), heapLimitEnv(p.resources.memoryLimit)],
        resources: p.resources,
        livenessProbe: httpProbe('/healthz', 'metrics', 10),
        readinessProbe: httpProbe('/readyz', 'metrics', 5),
        volumeMounts: [
          { name: 'pipeline', mountPath: CONFIG_DIR, readOnly: true },
          { name: 'state', mountPath: PIPELINE_STATE_DIR },
          { name: 'tmp', mountPath: '/tmp' },
          ...(bound ? [{ name: 'bindings', mountPath: BINDINGS_DIR, readOnly: true }] : []),
        ],
      },
    },
    // With autoscaling KEDA owns the replica count; a fixed one here would fight it on every apply.
    p.autoscaling ? undefined : p.replicas,
  );
}

export function pipelineObjects(
  config: PlatformConfig,
  p: PipelineWorkload,
  fileText: string,
  bound = false,
): K8sObject[] {
  return [
    pipelineConfigMap(config, p, fileText),
    pipelineDeployment(config, p, bound),
    podDisruptionBudget(config, p.name, PIPELINE_COMPONENT),
  ];
}
