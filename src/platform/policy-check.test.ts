/** The wildcard checker itself: it must catch what it is meant to catch, and allow only the documented exceptions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rbacWildcards, terraformPolicyWildcards } from './policy-check.ts';
import type { TerraformDoc } from './terraform.ts';

const awsDoc = (statement: Record<string, unknown>): TerraformDoc => ({
  data: { aws_iam_policy_document: { p: { statement: [statement] } } },
});

test('AWS: wildcard actions and resources are found; S3 object ARNs and unscoped-only actions are allowed', () => {
  assert.equal(
    terraformPolicyWildcards(awsDoc({ actions: ['s3:*'], resources: ['arn:aws:s3:::b'] })).length,
    1,
  );
  assert.equal(terraformPolicyWildcards(awsDoc({ actions: ['s3:GetObject'], resources: ['*'] })).length, 1);
  assert.equal(
    terraformPolicyWildcards(awsDoc({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::*'] })).length,
    1,
  );
  assert.deepEqual(
    terraformPolicyWildcards(awsDoc({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })),
    [],
  );
  assert.deepEqual(
    terraformPolicyWildcards(awsDoc({ actions: ['route53:ListHostedZones'], resources: ['*'] })),
    [],
  );
  assert.equal(
    terraformPolicyWildcards(
      awsDoc({ actions: ['route53:ListHostedZones', 'route53:ChangeResourceRecordSets'], resources: ['*'] }),
    ).length,
    1,
  );
});

test('S3 server, Azure, GCP: wildcards and broad roles are found', () => {
  const minio: TerraformDoc = {
    resource: {
      minio_iam_policy: {
        p: { policy: JSON.stringify({ Statement: [{ Action: ['s3:*'], Resource: ['arn:aws:s3:::b'] }] }) },
      },
    },
  };
  assert.equal(terraformPolicyWildcards(minio).length, 1);
  // Scaleway bucket policies name the bucket without an ARN: `b/*` (the objects of one bucket) is
  // scoped, `*` and a wildcard action are not.
  const scaleway: TerraformDoc = {
    resource: {
      scaleway_object_bucket_policy: {
        ok: { policy: JSON.stringify({ Statement: [{ Action: ['s3:GetObject'], Resource: ['b/*'] }] }) },
        bad: { policy: JSON.stringify({ Statement: [{ Action: ['s3:*'], Resource: ['*'] }] }) },
        ref: { policy: '${data.x.json}' },
      },
    },
  };
  assert.deepEqual(terraformPolicyWildcards(scaleway, 'f'), [
    'f: scaleway_object_bucket_policy.bad.Statement[0]: wildcard action "s3:*"',
    'f: scaleway_object_bucket_policy.bad.Statement[0]: wildcard resource "*"',
  ]);
  const azure: TerraformDoc = {
    resource: {
      azurerm_role_definition: {
        r: {
          permissions: [{ actions: ['Microsoft.Network/dnsZones/*'], data_actions: [] }],
          assignable_scopes: ['/x'],
        },
      },
      azurerm_role_assignment: { a: { scope: '/x', role_definition_name: 'Contributor' } },
    },
  };
  assert.equal(terraformPolicyWildcards(azure).length, 2);
  const gcp: TerraformDoc = {
    resource: {
      google_project_iam_custom_role: { r: { permissions: ['storage.objects.*'] } },
      google_project_iam_member: { m: { role: 'roles/editor', member: 'serviceAccount:x' } },
    },
  };
  assert.equal(terraformPolicyWildcards(gcp).length, 2);
});

test('RBAC: wildcard verbs or resources are found', () => {
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'r' },
    rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }],
  };
  assert.deepEqual(rbacWildcards([role]), ['ClusterRole/r: wildcard in resources']);
});
