/**
 * `datapipe import`: drafts a provider-neutral platform.yaml from an existing platform's manifests,
 * with a `# TODO(datapipe import): ...` comment wherever something could not be inferred, then checks
 * the draft against the platform schema (a draft that does not validate says so).
 */
import { basename, resolve } from 'node:path';
import { runAudit } from '../audit/audit.ts';
import type { Target } from '../audit/model.ts';
import { CLUSTER_BACKUP_IDENTITY } from '../platform/model.ts';
import { findPlaceholders } from '../platform/placeholders.ts';
import { platformSchema } from '../platform/schema.ts';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { inferBuckets, inferGrants } from './access.ts';
import { dnsLabel, Notes } from './draft.ts';
import { inferExposure, inferZone } from './exposure.ts';
import { readInventory } from './inventory.ts';
import { inferBackup, inferNetwork } from './network.ts';
import { inferTargets } from './targets.ts';
import { inferWorkloads } from './workloads.ts';
import { writeDraftYaml } from './write-yaml.ts';

const DEFAULT_RUNTIME_IMAGE = 'ghcr.io/datapipe/datapipe:0.1.0';

export interface ImportResult {
  readonly yaml: string;
  readonly platform: Record<string, unknown>;
  /** The provider the scanned platform runs on, by its audit findings. */
  readonly provider: Target | undefined;
  readonly todos: number;
  /** Problems the schema finds in the draft (empty when it validates). */
  readonly problems: readonly string[];
  /** Every placeholder left in the draft (`targets.aws.accountId`...), which `render` refuses. */
  readonly placeholders: readonly { readonly field: string; readonly value: string }[];
}

export function importPlatform(paths: readonly string[], targets: TargetRegistry): ImportResult {
  const inv = readInventory(paths);
  const notes = new Notes();
  const provider = currentProvider(paths, targets);

  const workloads = inferWorkloads(inv, notes);
  const zone = inferZone(inv, notes, targets);
  const exposure = inferExposure(inv, zone, workloads, notes, targets);
  const buckets = inferBuckets(inv);
  const backup = inferBackup(inv, buckets, notes);
  const grants = inferGrants(inv, new Set(buckets.keys()), zone, workloads, notes);
  const network = inferNetwork(inv, workloads, notes);
  const identities = [...new Set(grants.map((g) => String(g['identity'])))];
  if (backup) identities.push(CLUSTER_BACKUP_IDENTITY);
  const targetFacts = inferTargets(inv, provider, workloads, identities, notes, targets);

  notes.todo(['image'], 'the datapipe runtime image that runs pipelines; no pipelines were inferred');
  notes.todo(
    ['workloads', 'pipelines'],
    'datapipes need a pipeline file each (see docs); import cannot write them',
  );
  const platform: Record<string, unknown> = {
    name: dnsLabel(basename(resolve(paths[0] ?? '.')), 'platform'),
    namespace: dnsLabel(workloads.namespace, 'default'),
    image: DEFAULT_RUNTIME_IMAGE,
    dns: { zone },
    workloads: { pipelines: [], services: workloads.services, statefulServices: workloads.statefulServices },
    exposure,
    volumes: workloads.volumes,
    buckets: [...buckets.keys()].map((name) => ({ name, encrypted: true })),
    grants,
    network,
    ...(backup ? { backup } : {}),
    targets: targetFacts,
  };
  const parsed = platformSchema(targets).safeParse(platform);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const header = [
    'Drafted by `datapipe import` from:',
    ...paths.map((p) => `  ${p}`),
    `The platform runs on ${provider ?? 'an unknown provider'} today. Review every TODO(datapipe import) below,`,
    `then \`datapipe render platform.yaml --target <${targets.names.join('|')}> --out DIR\`.`,
  ];
  return {
    yaml: writeDraftYaml(platform, notes.todos, header),
    platform,
    provider,
    todos: notes.todos.length,
    problems,
    placeholders: findPlaceholders(platform).map((p) => ({ field: p.path.join('.'), value: p.value })),
  };
}

function currentProvider(paths: readonly string[], targets: TargetRegistry): Target | undefined {
  const { summary } = runAudit({ paths, targets });
  const count = (t: Target) => summary.byProvider[t] ?? 0;
  const best = targets.names.reduce((a, b) => (count(b) > count(a) ? b : a));
  return count(best) > 0 ? best : undefined;
}
