/**
 * A stateful service (e.g. MongoDB): StatefulSet with a volumeClaimTemplate on the platform's
 * storage class (encrypted or not: the class is a binding, its name is not), a headless Service, a PDB.
 */
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { PlatformConfig, StatefulWorkload, Volume } from '../schema.ts';
import {
  podDisruptionBudget,
  targetConfigMapName,
  workloadEnv,
  workloadMeta,
  workloadService,
} from './common.ts';
import { type K8sObject, recommendedLabels, selectorLabels, typed } from './object.ts';
import {
  containerResources,
  containerSecurityContext,
  podSecurityContext,
  spreadReplicas,
  tcpProbe,
} from './pod-security.ts';

const STATEFUL_COMPONENT = 'database';

/** The provider-neutral StorageClass names; each target defines them in its bindings. */
export function storageClassName(encrypted: boolean): string {
  return encrypted ? 'datapipe-encrypted' : 'datapipe-standard';
}

export function statefulObjects(config: PlatformConfig, s: StatefulWorkload, volume: Volume): K8sObject[] {
  const labels = recommendedLabels({
    name: s.name,
    instance: s.name,
    component: STATEFUL_COMPONENT,
    partOf: config.name,
  });
  const volumes = [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }];
  const statefulSet: K8sObject = typed<IStatefulSet>({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: workloadMeta(config, s.name, STATEFUL_COMPONENT),
    spec: {
      serviceName: s.name,
      replicas: s.replicas,
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: selectorLabels(s.name, config.name) },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: s.name,
          automountServiceAccountToken: false,
          ...spreadReplicas(selectorLabels(s.name, config.name)),
          terminationGracePeriodSeconds: 60,
          securityContext: { ...podSecurityContext(s.runAsUser), fsGroupChangePolicy: 'OnRootMismatch' },
          containers: [
            {
              name: s.name,
              image: s.image,
              ...(s.args.length > 0 ? { args: s.args } : {}),
              ports: [{ name: 'tcp', containerPort: s.port, protocol: 'TCP' }],
              env: workloadEnv(s),
              envFrom: [{ configMapRef: { name: targetConfigMapName(config) } }],
              imagePullPolicy: 'Always',
              resources: containerResources(s.resources, volumes),
              securityContext: containerSecurityContext(),
              livenessProbe: tcpProbe('tcp', 20, 'liveness'),
              readinessProbe: tcpProbe('tcp', 10, 'readiness'),
              volumeMounts: [
                { name: volume.name, mountPath: s.mountPath },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes,
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: volume.name, labels: selectorLabels(s.name, config.name) },
          spec: {
            accessModes: [volume.accessMode],
            storageClassName: storageClassName(volume.encrypted),
            resources: { requests: { storage: volume.size } },
          },
        },
      ],
    },
  });
  const headless = workloadService(
    config,
    s.name,
    STATEFUL_COMPONENT,
    { name: 'tcp', port: s.port },
    'headless',
  );
  return [statefulSet, headless, podDisruptionBudget(config, s.name, STATEFUL_COMPONENT)];
}
