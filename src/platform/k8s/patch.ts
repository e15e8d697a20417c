/**
 * The few changes a provider needs on a workload's pod template (Azure's workload-identity label,
 * bare metal's S3 credentials), written as kustomize strategic-merge patches so that the workload
 * manifests stay byte-identical across targets. `applyPatch` implements the subset of strategic merge
 * these patches use (maps merge, `containers` merge by name, other lists replace) so the patched
 * objects can be validated before they are written.
 */
import type { K8sObject } from './object.ts';

/** The workload kinds whose pod template a patch may change. */
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet']);

export interface PodTemplateChange {
  readonly labels?: Record<string, string>;
  /** Replaces the container's `envFrom` list (strategic merge has no merge key for it). */
  readonly envFrom?: ReadonlyArray<Record<string, unknown>>;
  /** Added to the pod's volumes (merged by `name`). */
  readonly volumes?: ReadonlyArray<Record<string, unknown>>;
  /** Added to every container's volumeMounts (merged by `mountPath`). */
  readonly volumeMounts?: ReadonlyArray<Record<string, unknown>>;
}

export function podTemplatePatch(target: K8sObject, change: PodTemplateChange): K8sObject {
  if (!POD_TEMPLATE_KINDS.has(target.kind))
    throw new Error(`cannot patch the pod template of a ${target.kind}`);
  const spec = target['spec'] as { template: { spec: { containers: { name: string }[] } } };
  const template: Record<string, unknown> = {};
  if (change.labels) template['metadata'] = { labels: change.labels };
  if (change.envFrom || change.volumeMounts || change.volumes) {
    template['spec'] = {
      containers: spec.template.spec.containers.map((c) => ({
        name: c.name,
        ...(change.envFrom ? { envFrom: change.envFrom } : {}),
        ...(change.volumeMounts ? { volumeMounts: change.volumeMounts } : {}),
      })),
      ...(change.volumes ? { volumes: change.volumes } : {}),
    };
  }
  return {
    apiVersion: target.apiVersion,
    kind: target.kind,
    metadata: {
      name: target.metadata.name,
      ...(target.metadata.namespace ? { namespace: target.metadata.namespace } : {}),
    },
    spec: { template },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lists strategic merge merges by a key (the pod template's patch strategy), as kustomize does. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
};

function merge(base: unknown, patch: unknown, key: string): unknown {
  const mergeKey = MERGE_KEYS[key];
  if (Array.isArray(base) && Array.isArray(patch) && mergeKey) {
    const out = base.map((c) => structuredClone(c) as Record<string, unknown>);
    for (const p of patch as Record<string, unknown>[]) {
      const at = out.findIndex((c) => c[mergeKey] === p[mergeKey]);
      if (at < 0) out.push(structuredClone(p));
      else out[at] = merge(out[at], p, '') as Record<string, unknown>;
    }
    return out;
  }
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch))
      out[k] = k in base ? merge(base[k], v, k) : structuredClone(v);
    return out;
  }
  return structuredClone(patch);
}

export function applyPatch(target: K8sObject, patch: K8sObject): K8sObject {
  return merge(target, { ...patch, metadata: {} }, '') as K8sObject;
}

/**
 * One patch per object: patches of the same object (from two categories, or a category and the
 * bindings) merged in order, as kustomize would apply them one after the other.
 */
export function mergePatches(patches: readonly K8sObject[]): K8sObject[] {
  const out: K8sObject[] = [];
  for (const p of patches) {
    const at = out.findIndex((q) => patchTargets(q, p));
    if (at < 0) out.push(p);
    else
      out[at] = { ...(merge(out[at], { ...p, metadata: {} }, '') as K8sObject), metadata: out[at]!.metadata };
  }
  return out;
}

export function patchTargets(target: K8sObject, patch: K8sObject): boolean {
  return (
    target.kind === patch.kind &&
    target.apiVersion === patch.apiVersion &&
    target.metadata.name === patch.metadata.name &&
    (target.metadata.namespace ?? '') === (patch.metadata.namespace ?? '')
  );
}
