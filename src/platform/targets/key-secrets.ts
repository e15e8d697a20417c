/**
 * Where a provider has no workload identity federation (bare metal, Scaleway), provider/ writes each
 * identity's key into a Secret (never rendered into the manifests) and the workload pods read it, with
 * the target ConfigMap, through `envFrom`.
 */
import { targetConfigMapName } from '../k8s/common.ts';
import type { K8sObject } from '../k8s/object.ts';
import { podTemplatePatch } from '../k8s/patch.ts';
import type { PlatformModel } from '../model.ts';
import { type TerraformBuilder, tfName } from '../terraform.ts';

/** A Secret written by Terraform's kubernetes provider. */
export function kubernetesSecret(
  tf: TerraformBuilder,
  name: string,
  namespace: string,
  data: Record<string, string>,
): void {
  tf.resource('kubernetes_secret_v1', tfName(namespace, name), {
    metadata: [{ name, namespace, labels: { 'app.kubernetes.io/managed-by': 'datapipe' } }],
    data,
    type: 'Opaque',
  });
}

/** Patches giving the pods of the named workloads `envFrom` the target ConfigMap and their key Secret. */
export function keySecretPatches(
  model: PlatformModel,
  workloads: readonly K8sObject[],
  names: ReadonlySet<string>,
  secretOf: (workload: string) => string,
): K8sObject[] {
  return workloads
    .filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && names.has(o.metadata.name))
    .map((o) =>
      podTemplatePatch(o, {
        envFrom: [
          { configMapRef: { name: targetConfigMapName(model.config) } },
          { secretRef: { name: secretOf(o.metadata.name) } },
        ],
      }),
    );
}
