/**
 * The IAM actions each neutral grant means on AWS, as data. No wildcard actions; resources are the
 * exact bucket, object prefix, hosted zone or key. The only `"Resource": "*"` statements are for the
 * actions listed in ACTIONS_WITHOUT_RESOURCE_SCOPE, which AWS documents as not supporting
 * resource-level permissions ("*" is the only value IAM accepts for them).
 */
import type { GrantAction } from '../schema.ts';

export const S3_OBJECT_ACTIONS: Partial<Record<GrantAction, readonly string[]>> = {
  read: ['s3:GetObject'],
  write: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'],
};
export const S3_BUCKET_ACTIONS: Partial<Record<GrantAction, readonly string[]>> = {
  list: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
};
/** SSE-KMS: reading decrypts, writing generates data keys (and decrypts for multipart uploads). */
export const KMS_ACTIONS_FOR: Partial<Record<GrantAction, readonly string[]>> = {
  read: ['kms:Decrypt'],
  write: ['kms:Decrypt', 'kms:GenerateDataKey'],
};
/** external-dns on Route 53 (its documented minimal policy, scoped to the one hosted zone). */
export const ROUTE53_ZONE_ACTIONS = [
  'route53:ChangeResourceRecordSets',
  'route53:ListResourceRecordSets',
  'route53:ListTagsForResource',
];
/** Grafana's CloudWatch data source, read-only. */
export const CLOUDWATCH_READ_ACTIONS = [
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:ListMetrics',
];

/**
 * Actions without resource-level permissions (Service Authorization Reference: their "Resource types"
 * column is empty), so IAM only accepts `"Resource": "*"` for them. The policy check allows `*` for
 * these and nothing else.
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE: readonly string[] = [
  'route53:ListHostedZones',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:ListMetrics',
];

/** The EBS CSI driver's use of a customer managed key (AWS's documented policy, actions spelled out). */
export const EBS_CSI_KMS_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];
export const EBS_CSI_GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

export interface PolicyStatement {
  sid: string;
  effect: 'Allow';
  actions: string[];
  resources: string[];
  condition?: Array<{ test: string; variable: string; values: string[] }>;
}

export function actionsFor(
  table: Partial<Record<GrantAction, readonly string[]>>,
  actions: readonly GrantAction[],
): string[] {
  return [...new Set(actions.flatMap((a) => table[a] ?? []))].sort();
}

/**
 * A grant's S3 actions on one bucket, split by what they apply to: the objects (resource `BUCKET/*`,
 * `suffix` '/*') and the bucket itself (suffix ''); a part with no action is left out.
 */
export function s3ActionsByResource(
  actions: readonly GrantAction[],
): Array<{ on: 'objects' | 'bucket'; suffix: '/*' | ''; actions: string[] }> {
  const parts = [
    { on: 'objects' as const, suffix: '/*' as const, actions: actionsFor(S3_OBJECT_ACTIONS, actions) },
    { on: 'bucket' as const, suffix: '' as const, actions: actionsFor(S3_BUCKET_ACTIONS, actions) },
  ];
  return parts.filter((p) => p.actions.length > 0);
}
