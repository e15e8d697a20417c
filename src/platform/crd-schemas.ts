/**
 * Structural schemas for the custom resources that have no published model package on npm (Envoy
 * Gateway, Velero, MetalLB). They follow the CRDs' OpenAPI schemas for the fields we render: required
 * fields, types, enums, and no unknown fields (the API server rejects those with strict validation).
 */
import { z } from 'zod';

const metadata = z.object({
  name: z.string().min(1),
  namespace: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const targetRef = z.strictObject({
  group: z.string(),
  kind: z.string().min(1),
  name: z.string().min(1),
  sectionName: z.string().optional(),
});

/** gateway.envoyproxy.io/v1alpha1 SecurityPolicy (the basicAuth part). */
const securityPolicy = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('SecurityPolicy'),
  metadata,
  spec: z.strictObject({
    targetRefs: z.array(targetRef).min(1),
    basicAuth: z.strictObject({
      users: z.strictObject({
        group: z.string().optional(),
        kind: z.literal('Secret').optional(),
        name: z.string().min(1),
      }),
      forwardUsernameHeader: z.string().optional(),
    }),
  }),
});

/** gateway.envoyproxy.io/v1alpha1 EnvoyProxy (the Kubernetes provider's Service part). */
const envoyProxy = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('EnvoyProxy'),
  metadata,
  spec: z.strictObject({
    provider: z.strictObject({
      type: z.literal('Kubernetes'),
      kubernetes: z.strictObject({
        envoyService: z.strictObject({
          type: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort']),
          externalTrafficPolicy: z.enum(['Local', 'Cluster']).optional(),
          loadBalancerClass: z.string().optional(),
          annotations: z.record(z.string(), z.string()).optional(),
        }),
      }),
    }),
  }),
});

const duration = z.string().regex(/^(\d+h)?(\d+m)?(\d+s)?$/, 'must be a Go duration such as 720h0m0s');

/** velero.io/v1 Schedule. */
const veleroSchedule = z.strictObject({
  apiVersion: z.literal('velero.io/v1'),
  kind: z.literal('Schedule'),
  metadata,
  spec: z.strictObject({
    schedule: z.string().min(1),
    useOwnerReferencesInBackup: z.boolean().optional(),
    template: z.strictObject({
      storageLocation: z.string().optional(),
      ttl: duration.optional(),
      includeClusterResources: z.boolean().optional(),
      snapshotVolumes: z.boolean().optional(),
      defaultVolumesToFsBackup: z.boolean().optional(),
    }),
  }),
});

/** velero.io/v1 BackupStorageLocation. */
const veleroLocation = z.strictObject({
  apiVersion: z.literal('velero.io/v1'),
  kind: z.literal('BackupStorageLocation'),
  metadata,
  spec: z.strictObject({
    provider: z.string().min(1),
    default: z.boolean().optional(),
    objectStorage: z.strictObject({ bucket: z.string().min(1), prefix: z.string().optional() }),
    config: z.record(z.string(), z.string()).optional(),
  }),
});

/** metallb.io/v1beta1 IPAddressPool. */
const ipAddressPool = z.strictObject({
  apiVersion: z.literal('metallb.io/v1beta1'),
  kind: z.literal('IPAddressPool'),
  metadata,
  spec: z.strictObject({ addresses: z.array(z.string()).min(1), autoAssign: z.boolean().optional() }),
});

/** metallb.io/v1beta1 L2Advertisement. */
const l2Advertisement = z.strictObject({
  apiVersion: z.literal('metallb.io/v1beta1'),
  kind: z.literal('L2Advertisement'),
  metadata,
  spec: z.strictObject({ ipAddressPools: z.array(z.string()).optional() }),
});

export const crdSchemas: Record<string, z.ZodType> = {
  'gateway.envoyproxy.io/v1alpha1/SecurityPolicy': securityPolicy,
  'gateway.envoyproxy.io/v1alpha1/EnvoyProxy': envoyProxy,
  'velero.io/v1/Schedule': veleroSchedule,
  'velero.io/v1/BackupStorageLocation': veleroLocation,
  'metallb.io/v1beta1/IPAddressPool': ipAddressPool,
  'metallb.io/v1beta1/L2Advertisement': l2Advertisement,
};
