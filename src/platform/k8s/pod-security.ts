/**
 * Security defaults every pod gets: non-root, read-only root filesystem, no capabilities, no
 * privilege escalation, the runtime's seccomp profile, requests and limits. They meet the
 * `restricted` Pod Security Standard, which the rendered Namespace enforces.
 */
import type { z } from 'zod';
import type { resourcesSchema } from '../schema.ts';

export type Resources = z.output<typeof resourcesSchema>;

export function podSecurityContext(runAsUser: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup: runAsUser,
    fsGroup: runAsUser,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Replicas of one workload on different nodes (preferred: a one-node cluster still schedules them)
 * and spread over zones, so one node or zone failure never takes all of them.
 */
export function spreadReplicas(selector: Record<string, string>): Record<string, unknown> {
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: selector },
            },
          },
        ],
      },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector },
      },
    ],
  };
}

export function containerResources(r: Resources): Record<string, unknown> {
  return {
    requests: { cpu: r.cpu, memory: r.memory },
    limits: { cpu: r.cpuLimit, memory: r.memoryLimit },
  };
}

export function httpProbe(
  path: string,
  port: number | string,
  periodSeconds: number,
): Record<string, unknown> {
  return { httpGet: { path, port }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 };
}

export function tcpProbe(port: number | string, periodSeconds: number): Record<string, unknown> {
  return { tcpSocket: { port }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 };
}
