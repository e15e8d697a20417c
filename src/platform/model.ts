/**
 * The provider-neutral model a target renders from: the validated config plus what follows from it
 * (identities and where they run, the grants including those the platform implies, pipeline files).
 * Targets never read platform.yaml; they read this.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GrantAction, PlatformConfig } from './schema.ts';

export interface Identity {
  /** The name grants use. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** A workload of this platform (its pods get the binding), or a controller installed beside it. */
  readonly kind: 'workload' | 'platform';
}

type GrantResource =
  | { readonly bucket: string }
  | { readonly dnsZone: string }
  | { readonly metrics: 'platform' };

interface ResolvedGrant {
  readonly identity: Identity;
  readonly actions: readonly GrantAction[];
  readonly resource: GrantResource;
}

export interface PlatformModel {
  readonly config: PlatformConfig;
  /** The target's name (`--target`). */
  readonly target: string;
  /** Pipeline name → the pipeline file's text, shipped in a ConfigMap. */
  readonly pipelineFiles: ReadonlyMap<string, string>;
  readonly identities: readonly Identity[];
  readonly grants: readonly ResolvedGrant[];
}

/** Where a target's cluster-state backup runs: Velero on managed targets, the etcd CronJob on bare metal. */
export interface BackupIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export const PLATFORM_IDENTITY_PLACES: Record<string, { namespace: string; serviceAccount: string }> = {
  'external-dns': { namespace: 'external-dns', serviceAccount: 'external-dns' },
  grafana: { namespace: 'monitoring', serviceAccount: 'grafana' },
};

export const CLUSTER_BACKUP_IDENTITY = 'cluster-backup';

export function buildModel(
  config: PlatformConfig,
  baseDir: string,
  target: string,
  backup: BackupIdentity,
): PlatformModel {
  const identities: Identity[] = [];
  const { pipelines, services, statefulServices } = config.workloads;
  for (const w of [...pipelines, ...services, ...statefulServices]) {
    identities.push({ name: w.name, namespace: config.namespace, serviceAccount: w.name, kind: 'workload' });
  }
  for (const [name, place] of Object.entries(PLATFORM_IDENTITY_PLACES)) {
    identities.push({ name, ...place, kind: 'platform' });
  }
  if (config.backup) identities.push({ name: CLUSTER_BACKUP_IDENTITY, ...backup, kind: 'platform' });

  const byName = new Map(identities.map((i) => [i.name, i]));
  const grants: ResolvedGrant[] = config.grants.map((g) => ({
    identity: byName.get(g.identity)!,
    actions: [...new Set(g.actions)].sort(),
    resource: g.resource,
  }));
  if (config.backup) {
    grants.push({
      identity: byName.get(CLUSTER_BACKUP_IDENTITY)!,
      actions: ['list', 'read', 'write'],
      resource: { bucket: config.backup.bucket },
    });
  }
  const pipelineFiles = new Map(
    pipelines.map((p) => [p.name, readFileSync(resolve(baseDir, p.file), 'utf8')] as const),
  );
  return { config, target, pipelineFiles, identities, grants };
}

/** The grants of one identity on buckets, as bucket → actions. */
export function bucketGrants(model: PlatformModel, identity: Identity): Map<string, GrantAction[]> {
  const out = new Map<string, GrantAction[]>();
  for (const g of model.grants) {
    if (g.identity.name !== identity.name || !('bucket' in g.resource)) continue;
    out.set(g.resource.bucket, [...new Set([...(out.get(g.resource.bucket) ?? []), ...g.actions])].sort());
  }
  return out;
}

export function hasGrant(model: PlatformModel, identity: Identity, action: GrantAction): boolean {
  return model.grants.some((g) => g.identity.name === identity.name && g.actions.includes(action));
}

/** Identities that have at least one grant: only these get a cloud identity. */
export function grantedIdentities(model: PlatformModel): Identity[] {
  const names = new Set(model.grants.map((g) => g.identity.name));
  return model.identities.filter((i) => names.has(i.name));
}
