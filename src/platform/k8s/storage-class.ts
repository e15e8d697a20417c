/** The platform's StorageClasses: provider-neutral names, provider-specific provisioner and parameters. */
import type { IStorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import type { PlatformModel } from '../model.ts';
import { type K8sObject, recommendedLabels, typed } from './object.ts';
import { storageClassName } from './stateful.ts';

export interface StorageClassSpec {
  readonly provisioner: string;
  /** Parameters for the encrypted class and for the plain class. */
  readonly encrypted: Record<string, string>;
  readonly standard: Record<string, string>;
}

/** The runbook's check of the volumes: every claim Bound, then what shows the provider's volume (`detail`). */
export function volumesVerify(detail: string): string {
  return `\`kubectl get pvc -n NAMESPACE\` shows every claim Bound; ${detail}`;
}

export function storageClasses(model: PlatformModel, spec: StorageClassSpec): K8sObject[] {
  const needed = [...new Set(model.config.volumes.map((v) => v.encrypted))].sort();
  return needed.map((encrypted) =>
    typed<IStorageClass>({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: storageClassName(encrypted),
        labels: recommendedLabels({
          name: storageClassName(encrypted),
          instance: storageClassName(encrypted),
          component: 'storage',
          partOf: model.config.name,
        }),
      },
      provisioner: spec.provisioner,
      parameters: encrypted ? spec.encrypted : spec.standard,
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    }),
  );
}
