/**
 * ServiceAccounts: one per identity. They carry the provider's workload-identity binding (an
 * annotation on AWS, Azure and GCP), so they are rendered with the bindings, not the workloads.
 */
import type { Identity, PlatformModel } from '../model.ts';
import { type K8sObject, recommendedLabels } from './object.ts';

export function serviceAccount(
  model: PlatformModel,
  identity: Identity,
  annotations: Record<string, string> = {},
): K8sObject {
  const sa: K8sObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: identity.serviceAccount,
      namespace: identity.namespace,
      labels: recommendedLabels({
        name: identity.name,
        instance: identity.name,
        component: 'identity',
        partOf: model.config.name,
      }),
    },
  };
  // Workloads never call the Kubernetes API; controllers (external-dns, Grafana's sidecar, Velero) do.
  if (identity.kind === 'workload') sa['automountServiceAccountToken'] = false;
  if (Object.keys(annotations).length > 0) sa.metadata.annotations = annotations;
  return sa;
}

/** Namespaces of the controllers the platform binds identities for (external-dns, Grafana, Velero...). */
export function platformNamespaces(model: PlatformModel): K8sObject[] {
  const names = [...new Set(model.identities.filter((i) => i.kind === 'platform').map((i) => i.namespace))];
  return names
    .filter((n) => n !== model.config.namespace && n !== 'kube-system')
    .sort()
    .map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: recommendedLabels({
          name,
          instance: name,
          component: 'namespace',
          partOf: model.config.name,
        }),
      },
    }));
}
