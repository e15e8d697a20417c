/**
 * What a target is: one module implementing the six provider-specific categories for the same
 * provider-neutral model. Each category returns Kubernetes bindings, patches on workload objects
 * (only where a provider needs something on the pod template itself), Terraform for what lives
 * outside the cluster, and its part of the runbook. It is the `render` part of a TargetDescriptor
 * (descriptor.ts): a target's module holds it beside its facts schema, import and plan knowledge.
 */

import type { Category } from '../categories.ts';
import type { K8sObject } from '../k8s/object.ts';
import type { BackupIdentity, PlatformModel } from '../model.ts';
import type { TerraformBuilder, TerraformDoc } from '../terraform.ts';

export interface RunbookPart {
  /** Controllers and prerequisites to install, each a Markdown paragraph or list item. */
  readonly install: readonly string[];
  /** How to check that it works. */
  readonly verify: readonly string[];
  /** Secrets the user creates for this category, each a line of "Secrets you create" (`NAME` in `NS` with key `K` ...). */
  readonly secrets?: readonly string[];
}

export interface CategoryBindings {
  readonly objects: readonly K8sObject[];
  /** Strategic-merge patches on workload objects (kustomize `patches`). */
  readonly patches?: readonly K8sObject[];
  /** Other files of the output (path under `scripts/` → content), such as tools the runbook runs. */
  readonly files?: Readonly<Record<string, string>>;
  readonly runbook: RunbookPart;
}

/** What a category method receives: the model, and the Terraform of the category to add to. */
interface CategoryContext {
  readonly model: PlatformModel;
  readonly tf: TerraformBuilder;
  /** The provider-neutral workload objects, for targets that must patch a pod template. */
  readonly workloads: readonly K8sObject[];
}

export interface PlatformTarget {
  /** Where the cluster-state backup identity runs on this target. */
  readonly backupIdentity: BackupIdentity;
  /** Terraform `terraform` and `provider` blocks. */
  providers(model: PlatformModel): TerraformDoc;
  /** Values every container gets through the `<platform>-target` ConfigMap (no secrets). */
  containerEnvironment(model: PlatformModel): Record<string, string>;
  dnsAndLoadBalancing(ctx: CategoryContext): CategoryBindings;
  persistence(ctx: CategoryContext): CategoryBindings;
  encryption(ctx: CategoryContext): CategoryBindings;
  workloadAuthorization(ctx: CategoryContext): CategoryBindings;
  clusterState(ctx: CategoryContext): CategoryBindings;
  network(ctx: CategoryContext): CategoryBindings;
}

export function methodOf(
  category: Category,
): keyof Pick<
  PlatformTarget,
  'dnsAndLoadBalancing' | 'persistence' | 'encryption' | 'workloadAuthorization' | 'clusterState' | 'network'
> {
  const map = {
    'dns-and-load-balancing': 'dnsAndLoadBalancing',
    persistence: 'persistence',
    encryption: 'encryption',
    'workload-authorization': 'workloadAuthorization',
    'cluster-state': 'clusterState',
    network: 'network',
  } as const;
  return map[category];
}

/** The facts block of a target, or an error naming the missing field. */
export function factsOf<T>(model: PlatformModel, name: string): T {
  const facts = model.config.targets[name];
  if (!facts)
    throw new FactError(['targets', name], `no facts for target "${name}": add a \`targets.${name}\` block`);
  return facts as T;
}

/** A provider fact the target needs is missing or unusable; `path` is the platform.yaml field. */
export class FactError extends Error {
  readonly path: readonly PropertyKey[];
  constructor(path: readonly PropertyKey[], reason: string) {
    super(reason);
    this.name = 'FactError';
    this.path = path;
  }
}
