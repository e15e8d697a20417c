/** An HTTP service: Deployment + ClusterIP Service + PodDisruptionBudget, with HTTP probes. */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { PlatformConfig, ServiceWorkload } from '../schema.ts';
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
  httpProbe,
  podSecurityContext,
  spreadReplicas,
} from './pod-security.ts';

const SERVICE_COMPONENT = 'service';

export function serviceObjects(config: PlatformConfig, s: ServiceWorkload): K8sObject[] {
  const labels = recommendedLabels({
    name: s.name,
    instance: s.name,
    component: SERVICE_COMPONENT,
    partOf: config.name,
  });
  const volumes = [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }];
  const deployment: K8sObject = typed<IDeployment>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: workloadMeta(config, s.name, SERVICE_COMPONENT),
    spec: {
      replicas: s.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(s.name, config.name) },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: s.name,
          automountServiceAccountToken: false,
          ...spreadReplicas(selectorLabels(s.name, config.name)),
          securityContext: podSecurityContext(s.runAsUser),
          containers: [
            {
              name: s.name,
              image: s.image,
              ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }],
              env: workloadEnv(s),
              envFrom: [{ configMapRef: { name: targetConfigMapName(config) } }],
              imagePullPolicy: 'Always',
              resources: containerResources(s.resources, volumes),
              securityContext: containerSecurityContext(),
              livenessProbe: httpProbe(s.livenessPath, 'http', 10),
              readinessProbe: httpProbe(s.readinessPath, 'http', 5),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes,
        },
      },
    },
  });
  const service = workloadService(
    config,
    s.name,
    SERVICE_COMPONENT,
    { name: 'http', port: s.port },
    'cluster-ip',
  );
  return [deployment, service, podDisruptionBudget(config, s.name, SERVICE_COMPONENT)];
}
