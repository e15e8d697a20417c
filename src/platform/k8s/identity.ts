/**
 * ServiceAccounts: one per identity. They carry the provider's workload-identity binding (an
 * annotation on AWS, Azure and GCP), so they are rendered with the bindings, not the workloads.
 */
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { grantedIdentities, type Identity, type PlatformModel } from '../model.ts';
import { type K8sObject, recommendedLabels, typed } from './object.ts';

function serviceAccount(
  model: PlatformModel,
  identity: Identity,
  annotations: Record<string, string> = {},
): K8sObject {
  const sa: K8sObject = typed<IServiceAccount>({
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
  });
  // Workloads never call the Kubernetes API; controllers (external-dns, Grafana's sidecar, Velero) do.
  if (identity.kind === 'workload') sa['automountServiceAccountToken'] = false;
  if (Object.keys(annotations).length > 0) sa.metadata.annotations = annotations;
  return sa;
}

/** Namespaces of the controllers the platform binds identities for (external-dns, Grafana, Velero...). */
function platformNamespaces(model: PlatformModel): K8sObject[] {
  const names = [...new Set(model.identities.filter((i) => i.kind === 'platform').map((i) => i.namespace))];
  return names
    .filter((n) => n !== model.config.namespace && n !== 'kube-system')
    .sort()
    .map((name) =>
      typed<INamespace>({
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
      }),
    );
}

/**
 * The platform's namespaces and one ServiceAccount per identity. Identities with grants carry the
 * provider's workload-identity binding: the annotations `binding` gives (none where there is no binding).
 */
export function identityObjects(
  model: PlatformModel,
  binding?: (identity: Identity) => Record<string, string>,
): K8sObject[] {
  const granted = new Set(grantedIdentities(model).map((i) => i.name));
  return [
    ...platformNamespaces(model),
    ...model.identities.map((i) =>
      serviceAccount(model, i, binding && granted.has(i.name) ? binding(i) : {}),
    ),
  ];
}
