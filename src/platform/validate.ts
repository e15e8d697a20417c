/**
 * Every object is validated before anything is written: Kubernetes kinds against the Kubernetes
 * OpenAPI schema (kubernetes-models), Gateway API, KEDA and prometheus-operator kinds against their
 * published CRD schemas (@kubernetes-models/*), the rest against crd-schemas.ts. An unknown kind is
 * an error too: nothing leaves unchecked.
 */

import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { GatewayClass } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { crdSchemas } from './crd-schemas.ts';
import { type K8sObject, objectKey } from './k8s/object.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** apiVersion/kind → the published model that validates it. */
const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/CronJob': CronJob,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'storage.k8s.io/v1/StorageClass': StorageClass,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'gateway.networking.k8s.io/v1/GatewayClass': GatewayClass,
  'gateway.networking.k8s.io/v1/Gateway': Gateway,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

export class InvalidObjectError extends Error {
  readonly code = 'DP_PLATFORM_INVALID_OBJECT';
  readonly object: string;
  constructor(object: string, reason: string) {
    super(`rendered ${object} is invalid: ${reason}`);
    this.name = 'InvalidObjectError';
    this.object = object;
  }
}

/** How the object was checked: 'openapi' (published schema) or 'structural' (crd-schemas.ts). */
export type ValidationKind = 'openapi' | 'structural';

export function validateObject(o: K8sObject): ValidationKind {
  const type = `${o.apiVersion}/${o.kind}`;
  const Model = MODELS[type];
  if (Model) {
    try {
      new Model(structuredClone(o) as never).validate();
    } catch (err) {
      throw new InvalidObjectError(objectKey(o), err instanceof Error ? err.message : String(err));
    }
    return 'openapi';
  }
  const schema = crdSchemas[type];
  if (!schema) throw new InvalidObjectError(objectKey(o), `no schema for ${type}`);
  const result = schema.safeParse(o);
  if (!result.success) {
    const first = result.error.issues[0]!;
    throw new InvalidObjectError(objectKey(o), `${first.path.join('.')}: ${first.message}`);
  }
  return 'structural';
}

export function validateObjects(objects: readonly K8sObject[]): void {
  for (const o of objects) validateObject(o);
}
