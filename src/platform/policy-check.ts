/**
 * "No wildcard in any generated policy", checked on every render and in the tests: IAM policy
 * documents, S3-server policies, Azure role definitions and assignments, GCP custom roles and
 * bindings, Kubernetes RBAC. The one exception is AWS actions without resource-level permissions
 * (ACTIONS_WITHOUT_RESOURCE_SCOPE), for which IAM accepts only `"Resource": "*"`. An S3 object ARN
 * `arn:aws:s3:::BUCKET/*` names the objects of one bucket and is how S3 scopes object actions.
 */
import type { K8sObject } from './k8s/object.ts';
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from './targets/aws-iam.ts';
import type { TerraformDoc } from './terraform.ts';

const S3_OBJECTS_OF_ONE_BUCKET = /^(arn:aws:s3:::)?[a-z0-9][a-z0-9.-]*\/\*$/;
const BROAD_GCP_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);

type Rec = Record<string, unknown>;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const entries = (block: unknown): [string, Rec][] => Object.entries((block ?? {}) as Record<string, Rec>);

function checkStatement(where: string, actions: unknown[], resources: unknown[], out: string[]): void {
  for (const a of actions) if (String(a).includes('*')) out.push(`${where}: wildcard action "${String(a)}"`);
  for (const r of resources.map(String)) {
    if (!r.includes('*') || S3_OBJECTS_OF_ONE_BUCKET.test(r)) continue;
    const unscoped = r === '*' && actions.every((a) => ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(String(a)));
    if (!unscoped) out.push(`${where}: wildcard resource "${r}"`);
  }
}

export function terraformPolicyWildcards(doc: TerraformDoc, file = 'terraform'): string[] {
  const out: string[] = [];
  for (const [name, body] of entries(doc.data?.['aws_iam_policy_document'])) {
    asList(body['statement']).forEach((s, i) => {
      const st = s as Rec;
      checkStatement(
        `${file}: aws_iam_policy_document.${name}.statement[${i}]`,
        asList(st['actions']),
        asList(st['resources']),
        out,
      );
    });
  }
  // S3-style policy documents inline in any resource: MinIO user policies, Scaleway bucket policies.
  for (const [type, resources] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of entries(resources)) {
      const policy = inlinePolicy(body['policy']);
      policy?.Statement.forEach((st, i) => {
        checkStatement(
          `${file}: ${type}.${name}.Statement[${i}]`,
          asList(st['Action']),
          asList(st['Resource']),
          out,
        );
      });
    }
  }

  for (const [name, body] of entries(doc.resource?.['azurerm_role_definition'])) {
    for (const p of asList(body['permissions']) as Rec[]) {
      for (const a of [...asList(p['actions']), ...asList(p['data_actions'])])
        if (String(a).includes('*'))
          out.push(`${file}: azurerm_role_definition.${name}: wildcard action "${String(a)}"`);
    }
    for (const s of asList(body['assignable_scopes']))
      if (String(s).includes('*')) out.push(`${file}: azurerm_role_definition.${name}: wildcard scope`);
  }
  for (const [name, body] of entries(doc.resource?.['azurerm_role_assignment'])) {
    if (String(body['scope']).includes('*') || body['role_definition_name'] !== undefined)
      out.push(`${file}: azurerm_role_assignment.${name}: must use a custom role on an exact scope`);
  }
  for (const [name, body] of entries(doc.resource?.['google_project_iam_custom_role'])) {
    for (const p of asList(body['permissions']))
      if (String(p).includes('*'))
        out.push(`${file}: google_project_iam_custom_role.${name}: wildcard permission "${String(p)}"`);
  }
  for (const type of Object.keys(doc.resource ?? {}).filter(
    (t) => t.startsWith('google_') && t.endsWith('_iam_member'),
  )) {
    for (const [name, body] of entries(doc.resource?.[type])) {
      const role = String(body['role']);
      if (role.includes('*') || BROAD_GCP_ROLES.has(role))
        out.push(`${file}: ${type}.${name}: broad role "${role}"`);
      if (String(body['member']).includes('*')) out.push(`${file}: ${type}.${name}: wildcard member`);
    }
  }
  return out;
}

export function rbacWildcards(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const o of objects.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
    for (const rule of asList(o['rules']) as Rec[]) {
      for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames'])
        for (const v of asList(rule[field]))
          if (String(v).includes('*')) out.push(`${o.kind}/${o.metadata.name}: wildcard in ${field}`);
    }
  }
  return out;
}

/** A policy written inline as JSON text with a `Statement` list (a Terraform reference is not one). */
function inlinePolicy(value: unknown): { Statement: Rec[] } | undefined {
  if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return undefined;
  const parsed = JSON.parse(value) as { Statement?: unknown };
  return Array.isArray(parsed.Statement) ? (parsed as { Statement: Rec[] }) : undefined;
}
