/**
 * The `targets:` block: facts for the provider the platform runs on now (filled from what the files
 * show, where they show it) and placeholders for the others, each marked, so the draft renders for
 * every target once the placeholders are replaced. What each target reads and needs is in its
 * descriptor (src/platform/targets/<name>/index.ts).
 */
import type { Target } from '../audit/model.ts';
import type { ImportEvidence, TargetRegistry } from '../platform/targets/descriptor.ts';
import type { Notes } from './draft.ts';
import { asObject, attribute, type Inventory, type Json } from './inventory.ts';
import type { WorkloadsDraft } from './workloads.ts';

/**
 * `identities`: the names that get a cloud identity (those with grants, and the backup job's), which
 * a target may need per-identity facts for (Azure client ids).
 */
export function inferTargets(
  inv: Inventory,
  current: Target | undefined,
  workloads: WorkloadsDraft,
  identities: readonly string[],
  notes: Notes,
  targets: TargetRegistry,
): Json {
  const out: Json = current ? { default: current } : {};
  const evidence = importEvidence(inv, workloads);
  for (const target of targets.list) {
    const facts: Json = structuredClone(target.import.placeholders);
    const found = target.name === current ? (target.import.observe?.(evidence) ?? {}) : {};
    Object.assign(facts, found);
    const todo = target.import.complete?.(facts, identities);
    if (todo) notes.todo(['targets', target.name, 'clientIds'], todo);
    const missing = Object.keys(facts).filter((k) => !(k in found));
    if (target.name === current)
      notes.todo(
        ['targets', target.name],
        `read from the files: ${Object.keys(found).join(', ') || 'nothing'}; replace the placeholders of ${missing.join(', ')}`,
      );
    else notes.todo(['targets', target.name], `placeholders: fill in before rendering for ${target.name}`);
    out[target.name] = facts;
  }
  return out;
}

function importEvidence(inv: Inventory, workloads: WorkloadsDraft): ImportEvidence {
  return {
    kube: inv.kube,
    terraform: inv.terraform,
    text:
      JSON.stringify(inv.kube.map((o) => o.data)) +
      inv.terraform.map((r) => JSON.stringify(r.block)).join(''),
    annotations: (o) => asObject(asObject(o.data['metadata'])['annotations']),
    attribute: (block, name) => attribute(block as Parameters<typeof attribute>[0], name),
    identityOfServiceAccount: (name) =>
      workloads.accountToWorkload.get(name) ?? (name === 'external-dns' ? 'external-dns' : undefined),
  };
}
