/**
 * A stateful service (e.g. MongoDB): StatefulSet with a volumeClaimTemplate on the platform's
 * storage class (encrypted or not: the class is a binding, its name is not), a headless Service, a PDB.
 */
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { PlatformConfig, StatefulWorkload, Volume } from '../schema.ts';
import { podDisruptionBudget, workloadEnv, workloadMeta, workloadService } from './common.ts';
import { type K8sObject, selectorLabels, typed } from './object.ts';
import { podSecurityContext, tcpProbe } from './pod-security.ts';
import { workloadPodTemplate } from './workload-pod.ts';

const STATEFUL_COMPONENT = 'database';

/** The provider-neutral StorageClass names; each target defines them in its bindings. */
export function storageClassName(encrypted: boolean): string {
  return encrypted ? 'datapipe-encrypted' : 'datapipe-standard';
}

export function statefulObjects(config: PlatformConfig, s: StatefulWorkload, volume: Volume): K8sObject[] {
  const statefulSet: K8sObject = typed<IStatefulSet>({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: workloadMeta(config, s.name, STATEFUL_COMPONENT),
    spec: {
      serviceName: s.name,
      replicas: s.replicas,
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: selectorLabels(s.name, config.name) },
      template: workloadPodTemplate(config, {
        name: s.name,
        component: STATEFUL_COMPONENT,
        terminationGracePeriodSeconds: 60,
        securityContext: { ...podSecurityContext(s.runAsUser), fsGroupChangePolicy: 'OnRootMismatch' },
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        container: {
          image: s.image,
          args: s.args,
          port: { name: 'tcp', containerPort: s.port },
          env: workloadEnv(s),
          resources: s.resources,
          livenessProbe: tcpProbe('tcp', 20, 'liveness'),
          readinessProbe: tcpProbe('tcp', 10, 'readiness'),
          volumeMounts: [
            { name: volume.name, mountPath: s.mountPath },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      }),
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
