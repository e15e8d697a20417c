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

export function containerResources(r: Resources, volumes: readonly PodVolume[]): Record<string, unknown> {
  const storage = ephemeralStorage(volumes);
  return {
    requests: { cpu: r.cpu, memory: r.memory, 'ephemeral-storage': storage.request },
    limits: { cpu: r.cpuLimit, memory: r.memoryLimit, 'ephemeral-storage': storage.limit },
  };
}

export interface PodVolume {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly [other: string]: unknown;
}

const MI: Record<string, number> = { Mi: 1, Gi: 1024 };

/**
 * Ephemeral storage of the pod's one container: the disk-backed emptyDirs at their sizeLimit (memory
 * ones count against memory instead) plus 256Mi for logs and the container's writable layer. Every
 * emptyDir must have a sizeLimit: without one it could fill the node's disk.
 */
export function ephemeralStorage(volumes: readonly PodVolume[]): { request: string; limit: string } {
  let mi = 256;
  for (const v of volumes) {
    if (!v.emptyDir) continue;
    const m = /^(\d+)(Mi|Gi)$/.exec(v.emptyDir.sizeLimit ?? '');
    if (!m) throw new Error(`emptyDir ${v.name} needs a sizeLimit in Mi or Gi`);
    if (v.emptyDir.medium !== 'Memory') mi += Number(m[1]) * MI[m[2]!]!;
  }
  return { request: '64Mi', limit: `${mi}Mi` };
}

export function httpProbe(
  path: string,
  port: number | string,
  periodSeconds: number,
): Record<string, unknown> {
  return { httpGet: { path, port }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 };
}

/**
 * A TCP probe. A liveness probe identical to the readiness probe restarts a pod that is merely busy,
 * so liveness waits longer (6 failures) than readiness (3) before acting.
 */
export function tcpProbe(
  port: number | string,
  periodSeconds: number,
  kind: 'liveness' | 'readiness',
): Record<string, unknown> {
  return {
    tcpSocket: { port },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold: kind === 'liveness' ? 6 : 3,
  };
}
