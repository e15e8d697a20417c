/**
 * The shape render handles: a plain Kubernetes object (apiVersion, kind, metadata, ...), plus the
 * Kubernetes recommended labels. Plain data keeps output deterministic and easy to diff; validate.ts
 * checks each object against its published schema before anything is written. Builders write their
 * objects through `typed`, so the compiler holds each one to its kubernetes-models interface first.
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

/**
 * A kubernetes-models object (`IDeployment`, `IStorageClass`, `IHTTPRoute`...) that is also a
 * K8sObject: its metadata has a name.
 */
export type Typed<T extends { apiVersion: string; kind: string }> = T & K8sObject;

/**
 * Checks an object literal against its kubernetes-models interface at compile time: a misspelt or
 * unknown field, a missing required one or a wrong enum value fails `tsc`. No runtime cost (the
 * interfaces are types only); validate.ts still checks the published schema at render time.
 */
export function typed<T extends { apiVersion: string; kind: string }>(
  object: T & { metadata: ObjectMeta },
): Typed<T> {
  return object as Typed<T>;
}

const MANAGED_BY = 'datapipe';

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
