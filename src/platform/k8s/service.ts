/** An HTTP service: Deployment + ClusterIP Service + PodDisruptionBudget, with HTTP probes. */
import type { PlatformConfig, ServiceWorkload } from '../schema.ts';
import { podDisruptionBudget, workloadEnv, workloadService } from './common.ts';
import type { K8sObject } from './object.ts';
import { httpProbe, podSecurityContext } from './pod-security.ts';
import { workloadDeployment } from './workload-pod.ts';

const SERVICE_COMPONENT = 'service';

export function serviceObjects(config: PlatformConfig, s: ServiceWorkload): K8sObject[] {
  const deployment = workloadDeployment(
    config,
    {
      name: s.name,
      component: SERVICE_COMPONENT,
      securityContext: podSecurityContext(s.runAsUser),
      volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
      container: {
        image: s.image,
        port: { name: 'http', containerPort: s.port },
        env: workloadEnv(s),
        resources: s.resources,
        livenessProbe: httpProbe(s.livenessPath, 'http', 10),
        readinessProbe: httpProbe(s.readinessPath, 'http', 5),
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    },
    s.replicas,
  );
  const service = workloadService(
    config,
    s.name,
    SERVICE_COMPONENT,
    { name: 'http', port: s.port },
    'cluster-ip',
  );
  return [deployment, service, podDisruptionBudget(config, s.name, SERVICE_COMPONENT)];
}
