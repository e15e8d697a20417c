/**
 * Buckets and grants. Buckets come from Terraform, Ansible, IAM policy resources and backup jobs;
 * grants from IAM policies (Ansible `iam_policy` documents, Terraform policy documents), Azure role
 * assignments and Google bucket IAM, attributed to the workloads that name the bucket.
 */
import { bucketName, type Notes } from './draft.ts';
import { attribute, type Inventory, type Json, resolveRolePath } from './inventory.ts';
import type { WorkloadsDraft } from './workloads.ts';

type Action = 'read' | 'write' | 'list' | 'manageRecords' | 'readMetrics';

interface Permission {
  readonly actions: Set<Action>;
  readonly buckets: Set<string>;
  readonly dns: boolean;
  readonly where: string;
  /** Kubernetes service accounts the permission is bound to, when the binding says so. */
  readonly accounts?: Set<string>;
}

export function inferBuckets(inv: Inventory): Map<string, string> {
  const buckets = new Map<string, string>(); // name → where it was found
  const add = (raw: string | undefined, where: string) => {
    const name = raw === undefined ? undefined : bucketName(raw);
    if (name && !buckets.has(name)) buckets.set(name, where);
  };
  for (const r of inv.terraform) {
    if (r.type === 'aws_s3_bucket') add(attribute(r.block, 'bucket'), r.file);
    if (r.type === 'azurerm_storage_container' || r.type === 'google_storage_bucket')
      add(attribute(r.block, 'name'), r.file);
  }
  for (const t of inv.ansible) {
    if (/(^|\.)s3_bucket$/.test(t.module)) add(String(t.args['name'] ?? ''), t.file);
  }
  for (const p of permissions(inv)) for (const b of p.buckets) add(b, p.where);
  return buckets;
}

export function inferGrants(
  inv: Inventory,
  buckets: ReadonlySet<string>,
  zone: string,
  workloads: WorkloadsDraft,
  notes: Notes,
): Json[] {
  const grants = new Map<string, { identity: string; actions: Set<Action>; resource: Json }>();
  const grant = (identity: string, actions: Iterable<Action>, resource: Json) => {
    const key = `${identity} ${JSON.stringify(resource)}`;
    const existing = grants.get(key) ?? { identity, actions: new Set<Action>(), resource };
    for (const a of actions) existing.actions.add(a);
    grants.set(key, existing);
  };
  for (const p of permissions(inv)) {
    const bucketActions = [...p.actions].filter((a) => a === 'read' || a === 'write' || a === 'list');
    for (const bucket of p.buckets) {
      if (!buckets.has(bucket) || bucketActions.length === 0) continue;
      const bound = [...(p.accounts ?? [])].flatMap((a) => workloads.accountToWorkload.get(a) ?? []);
      const named = [...workloads.mentions.entries()]
        .filter(([, text]) => text.includes(bucket))
        .map(([name]) => name);
      const users = [...new Set([...bound, ...named])];
      if (users.length === 0) {
        notes.todo(
          ['grants'],
          `${p.where}: ${bucketActions.join('/')} on bucket ${bucket} granted to an identity no workload could be matched to; add the grant by hand`,
        );
      }
      for (const user of users) grant(user, bucketActions, { bucket });
    }
    if (p.dns) grant('external-dns', ['manageRecords'], { dnsZone: zone });
  }
  if (inv.kube.some((o) => o.kind === 'Deployment' && o.name === 'external-dns'))
    grant('external-dns', ['manageRecords'], { dnsZone: zone });
  const order: Action[] = ['read', 'write', 'list', 'manageRecords', 'readMetrics'];
  return [...grants.values()].map((g) => ({
    identity: g.identity,
    actions: order.filter((a) => g.actions.has(a)),
    resource: g.resource,
  }));
}

/** Every permission statement found, in provider words turned into platform.yaml's actions. */
function permissions(inv: Inventory): Permission[] {
  const out: Permission[] = [];
  for (const t of inv.ansible) {
    if (!/(^|\.)iam_policy$/.test(t.module)) continue;
    const doc = t.args['policy_document'] ?? t.args['policy_json'];
    const text =
      typeof doc === 'string' ? inv.readFile(resolveRolePath(t.file, doc)) : JSON.stringify(doc ?? {});
    if (text !== undefined) out.push(fromAwsText(text, t.file));
  }
  const s3Buckets = new Map(
    inv.terraform
      .filter((r) => r.type === 'aws_s3_bucket')
      .map((r) => [r.name, attribute(r.block, 'bucket') ?? r.name]),
  );
  for (const r of inv.terraform) {
    if (r.type === 'data.aws_iam_policy_document') {
      for (const st of r.block.blocks.filter((b) => b.type === 'statement')) {
        const text = st.attributes.map((a) => a.value).join(' ');
        const p = fromAwsText(text, r.file);
        for (const m of text.matchAll(/aws_s3_bucket\.([\w-]+)\.(arn|id|bucket)/g)) {
          const bucket = s3Buckets.get(m[1]!);
          if (bucket) p.buckets.add(bucket);
        }
        out.push(p);
      }
    } else if (/^aws_iam_(role_)?policy$/.test(r.type)) {
      const policy = attribute(r.block, 'policy');
      if (policy && !policy.startsWith('data.')) out.push(fromAwsText(policy, r.file));
    } else if (r.type === 'azurerm_role_assignment') {
      const p = fromAzure(
        attribute(r.block, 'role_definition_name') ?? '',
        attribute(r.block, 'scope') ?? '',
        r.file,
      );
      out.push({ ...p, accounts: azureAccounts(inv, attribute(r.block, 'principal_id') ?? '') });
    } else if (/^google_storage_bucket_iam_(member|binding)$/.test(r.type)) {
      out.push(fromGoogle(attribute(r.block, 'role') ?? '', attribute(r.block, 'bucket') ?? '', r.file));
    }
  }
  return out;
}

/** `azurerm_user_assigned_identity.X.principal_id` → the service accounts federated with identity X. */
function azureAccounts(inv: Inventory, principal: string): Set<string> {
  const identity = /azurerm_user_assigned_identity\.([\w-]+)\./.exec(principal)?.[1];
  const accounts = new Set<string>();
  for (const r of inv.terraform) {
    if (r.type !== 'azurerm_federated_identity_credential') continue;
    if (!(attribute(r.block, 'parent_id') ?? '').includes(`azurerm_user_assigned_identity.${identity}.`))
      continue;
    const account = /^system:serviceaccount:[^:]+:(.+)$/.exec(attribute(r.block, 'subject') ?? '')?.[1];
    if (account) accounts.add(account);
  }
  return accounts;
}

function fromAwsText(text: string, where: string): Permission {
  const actions = new Set<Action>();
  for (const m of text.matchAll(/"s3:([A-Za-z*]+)"/g)) {
    const a = m[1]!;
    if (a === '*' || /^Get/.test(a)) actions.add('read');
    if (a === '*' || /^(Put|Delete|Abort|Restore)/.test(a)) actions.add('write');
    if (a === '*' || /^List/.test(a)) actions.add('list');
  }
  if (/"cloudwatch:(Get|List|Describe)/.test(text)) actions.add('readMetrics');
  const buckets = new Set<string>();
  for (const m of text.matchAll(/arn:aws:s3:::([a-z0-9.-]+)/g)) {
    const b = bucketName(m[1]!);
    if (b) buckets.add(b);
  }
  return { actions, buckets, dns: /route53:Change/.test(text), where };
}

function fromAzure(role: string, scope: string, where: string): Permission {
  const actions = new Set<Action>();
  if (/Blob Data (Reader|Contributor|Owner)/.test(role)) actions.add('read').add('list');
  if (/Blob Data (Contributor|Owner)/.test(role)) actions.add('write');
  const container = /\/containers\/([^/"]+)/.exec(scope)?.[1];
  const bucket = container === undefined ? undefined : bucketName(container);
  return { actions, buckets: new Set(bucket ? [bucket] : []), dns: /DNS Zone Contributor/.test(role), where };
}

function fromGoogle(role: string, bucket: string, where: string): Permission {
  const actions = new Set<Action>();
  if (/objectViewer|objectAdmin|storage\.admin/.test(role)) actions.add('read').add('list');
  if (/objectCreator|objectAdmin|storage\.admin/.test(role)) actions.add('write');
  const name = bucketName(bucket.replace(/^google_storage_bucket\.[\w-]+\.name$/, ''));
  return { actions, buckets: new Set(name ? [name] : []), dns: false, where };
}
