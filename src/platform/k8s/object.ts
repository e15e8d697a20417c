/**
 * The shape every builder returns: a plain Kubernetes object (apiVersion, kind, metadata, ...),
 * plus the Kubernetes recommended labels. Plain data keeps output deterministic and easy to diff;
 * validate.ts checks each object against its published schema before anything is written.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export const MANAGED_BY = 'datapipe';

/** https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/ */
export function recommendedLabels(opts: {
  name: string;
  instance: string;
  component: string;
  partOf: string;
}): Record<string, string> {
  return {
    'app.kubernetes.io/name': opts.name,
    'app.kubernetes.io/instance': opts.instance,
    'app.kubernetes.io/component': opts.component,
    'app.kubernetes.io/part-of': opts.partOf,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** The labels that select one workload's pods: stable across upgrades, unlike the full label set. */
export function selectorLabels(instance: string, partOf: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/part-of': partOf };
}

export function objectKey(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
