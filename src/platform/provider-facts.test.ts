/**
 * An independent truth for the golden files: what each target renders is checked against facts
 * taken from the providers' own documentation, not from the renderer. Each row names the fact, the
 * expected value as the page gives it, and the page; a reader can check every row against its page
 * without reading the renderer.
 *
 * One table per target (`FACTS`); the first test fails for a registered target without a table of its
 * own; COMMON holds what every target shares (the workload API versions).
 *
 * The example's own facts (account 123456789012, project shop-prod-4711, ...) come from
 * examples/platform/platform.yaml; everything else is the providers' vocabulary.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { platformTargets } from '../cli/plugins.ts';
import { renderExample } from './example.test-support.ts';
import type { K8sObject } from './k8s/object.ts';
import type { RenderResult } from './render.ts';

type Path = readonly (string | number)[];

/** A fact about a rendered Kubernetes object, found by kind (and name/namespace when given). */
interface ObjectFact {
  readonly fact: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly apiVersion?: string;
  /** Where to look in the object; with none of equals/matches/includes, the path must exist. */
  readonly path?: Path;
  readonly equals?: unknown;
  readonly matches?: RegExp;
  /** The value at path is an array (or a string) that contains each of these. */
  readonly includes?: readonly string[];
  readonly doc: string;
}

/** A Terraform block the target must write (`resource`/`data`), optionally with a value at a path. */
interface TerraformFact {
  readonly fact: string;
  readonly block: 'resource' | 'data' | 'terraform';
  /** The resource or data source type, e.g. `aws_s3_bucket`; for `terraform`, the first key. */
  readonly type: string;
  /** Block name; when absent any block of the type will do. */
  readonly name?: string;
  readonly path?: Path;
  readonly equals?: unknown;
  readonly matches?: RegExp;
  readonly doc: string;
}

/** Actions, permissions or roles the provider documents as needed; each must be granted somewhere. */
interface GrantFact {
  readonly fact: string;
  readonly grants: readonly string[];
  readonly doc: string;
}

interface TargetFactTable {
  readonly objects: readonly ObjectFact[];
  readonly terraform: readonly TerraformFact[];
  readonly grants: readonly GrantFact[];
}

const ENVOY_SERVICE: Path = ['spec', 'provider', 'kubernetes', 'envoyService'];
const EXTERNAL_DNS_ARGS: Path = ['spec', 'template', 'spec', 'containers', 0, 'args'];
const PROVIDER_METRICS: Path = ['data', 'provider-metrics.yaml'];

// Pages cited by several rows.
const EXTERNAL_DNS_FLAGS = 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/flags.md';
const VELERO_AWS_BSL =
  'https://github.com/vmware-tanzu/velero-plugin-for-aws/blob/main/backupstoragelocation.md';
const AWS_LBC_ANNOTATIONS =
  'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/';
const EBS_CSI_PARAMETERS =
  'https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md';
const AZURE_DISK_PARAMETERS =
  'https://github.com/kubernetes-sigs/azuredisk-csi-driver/blob/master/docs/driver-parameters.md';
const AZURE_WI_LABELS =
  'https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html';
const AZURE_STORAGE_OPERATIONS =
  'https://learn.microsoft.com/azure/role-based-access-control/permissions/storage';
const GKE_CMEK = 'https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek';
const GKE_WORKLOAD_IDENTITY = 'https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity';
const LONGHORN_ENCRYPTION = 'https://longhorn.io/docs/latest/advanced-resources/security/volume-encryption/';
const METALLB_CONFIGURATION = 'https://metallb.io/configuration/';
const SCW_CSI = 'https://github.com/scaleway/scaleway-csi/blob/master/examples/kubernetes/README.md';
const SCW_CCM_ANNOTATIONS =
  'https://github.com/scaleway/scaleway-cloud-controller-manager/blob/master/docs/loadbalancer-annotations.md';
const SCW_EXTERNAL_DNS =
  'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/scaleway.md';
const SCW_BUCKET_POLICY = 'https://www.scaleway.com/en/docs/object-storage/api-cli/bucket-policy/';
const TF = (provider: string, kind: 'resources' | 'data-sources', type: string) =>
  `https://registry.terraform.io/providers/${provider}/latest/docs/${kind}/${type.replace(/^[a-z]+_/, '')}`;

/** Every target renders the same workloads: their API versions are the projects' current stable ones. */
const COMMON: readonly ObjectFact[] = [
  {
    fact: 'Gateway API resources are served at v1 (standard channel)',
    kind: 'Gateway',
    apiVersion: 'gateway.networking.k8s.io/v1',
    doc: 'https://gateway-api.sigs.k8s.io/reference/spec/#gateway',
  },
  {
    fact: 'HTTPRoute is v1 in the standard channel',
    kind: 'HTTPRoute',
    apiVersion: 'gateway.networking.k8s.io/v1',
    doc: 'https://gateway-api.sigs.k8s.io/reference/spec/#httproute',
  },
  {
    fact: 'GatewayClass is v1 in the standard channel',
    kind: 'GatewayClass',
    apiVersion: 'gateway.networking.k8s.io/v1',
    doc: 'https://gateway-api.sigs.k8s.io/reference/spec/#gatewayclass',
  },
  {
    fact: 'KEDA ScaledObject API version',
    kind: 'ScaledObject',
    apiVersion: 'keda.sh/v1alpha1',
    doc: 'https://keda.sh/docs/latest/reference/scaledobject-spec/',
  },
  {
    fact: 'KEDA Kafka scaler type is "kafka"',
    kind: 'ScaledObject',
    path: ['spec', 'triggers', 0, 'type'],
    equals: 'kafka',
    doc: 'https://keda.sh/docs/latest/scalers/apache-kafka/',
  },
  {
    fact: 'Prometheus Operator PodMonitor API version',
    kind: 'PodMonitor',
    apiVersion: 'monitoring.coreos.com/v1',
    doc: 'https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor',
  },
  {
    fact: 'Envoy Gateway extension APIs are v1alpha1',
    kind: 'SecurityPolicy',
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    doc: 'https://gateway.envoyproxy.io/docs/api/extension_types/#securitypolicy',
  },
  {
    fact: 'EnvoyProxy (Envoy Gateway) API version',
    kind: 'EnvoyProxy',
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    doc: 'https://gateway.envoyproxy.io/docs/api/extension_types/#envoyproxy',
  },
  {
    fact: 'PodDisruptionBudget is policy/v1 (policy/v1beta1 removed in Kubernetes 1.25)',
    kind: 'PodDisruptionBudget',
    apiVersion: 'policy/v1',
    doc: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/#poddisruptionbudget-v125',
  },
  {
    fact: 'NetworkPolicy API version',
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    doc: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  },
  {
    fact: 'StorageClass API version',
    kind: 'StorageClass',
    apiVersion: 'storage.k8s.io/v1',
    doc: 'https://kubernetes.io/docs/concepts/storage/storage-classes/',
  },
  {
    fact: 'external-dns watches Gateway API HTTPRoutes, keeps a TXT registry and never deletes',
    kind: 'Deployment',
    name: 'external-dns',
    namespace: 'external-dns',
    path: EXTERNAL_DNS_ARGS,
    includes: [
      '--source=gateway-httproute',
      '--registry=txt',
      '--txt-owner-id=shop',
      '--policy=upsert-only',
      '--domain-filter=shop.example.com',
    ],
    doc: EXTERNAL_DNS_FLAGS,
  },
];

const FACTS: Record<string, TargetFactTable> = {
  aws: {
    objects: [
      {
        fact: 'EBS CSI driver name',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['provisioner'],
        equals: 'ebs.csi.aws.com',
        doc: 'https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html',
      },
      {
        fact: 'EBS CSI StorageClass parameters: gp3, encrypted with the key ARN, ext4',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['parameters'],
        equals: {
          type: 'gp3',
          encrypted: 'true',
          kmsKeyId: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          'csi.storage.k8s.io/fstype': 'ext4',
        },
        doc: EBS_CSI_PARAMETERS,
      },
      {
        fact: 'IRSA: the ServiceAccount annotation eks.amazonaws.com/role-arn carries the role ARN',
        kind: 'ServiceAccount',
        name: 'external-dns',
        namespace: 'external-dns',
        path: ['metadata', 'annotations', 'eks.amazonaws.com/role-arn'],
        matches: /^arn:aws:iam::123456789012:role\/[\w+=,.@-]+$/,
        doc: 'https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html',
      },
      {
        fact: 'AWS Load Balancer Controller NLB: loadBalancerClass service.k8s.aws/nlb',
        kind: 'EnvoyProxy',
        path: [...ENVOY_SERVICE, 'loadBalancerClass'],
        equals: 'service.k8s.aws/nlb',
        doc: 'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/',
      },
      {
        fact: 'AWS Load Balancer Controller Service annotations: external NLB, IP targets, internet-facing',
        kind: 'EnvoyProxy',
        path: [...ENVOY_SERVICE, 'annotations'],
        equals: {
          'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
          'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
          'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        },
        doc: AWS_LBC_ANNOTATIONS,
      },
      {
        fact: 'external-dns on Route 53: provider aws, public zones, the one hosted zone id',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: EXTERNAL_DNS_ARGS,
        includes: ['--provider=aws', '--aws-zone-type=public', '--zone-id-filter=Z0123456789EXAMPLE'],
        doc: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/aws.md',
      },
      {
        fact: 'Velero BackupStorageLocation on S3: provider aws with region and kmsKeyId',
        kind: 'BackupStorageLocation',
        apiVersion: 'velero.io/v1',
        path: ['spec', 'config'],
        equals: {
          region: 'eu-central-1',
          kmsKeyId: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
        doc: VELERO_AWS_BSL,
      },
      {
        // "velero.io/aws" in the page; Velero adds the velero.io/ prefix to a bare provider name.
        fact: 'Velero object store plugin name',
        kind: 'BackupStorageLocation',
        path: ['spec', 'provider'],
        matches: /^(velero\.io\/)?aws$/,
        doc: VELERO_AWS_BSL,
      },
      {
        fact: 'Grafana CloudWatch data source type id',
        kind: 'ConfigMap',
        name: 'shop-provider-metrics',
        namespace: 'monitoring',
        path: PROVIDER_METRICS,
        matches: /"type": "cloudwatch"/,
        doc: 'https://grafana.com/docs/grafana/latest/datasources/aws-cloudwatch/#provision-the-data-source',
      },
    ],
    terraform: [
      {
        fact: 'AWS provider source',
        block: 'terraform',
        type: 'required_providers',
        path: ['aws', 'source'],
        equals: 'hashicorp/aws',
        doc: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs',
      },
      ...[
        'aws_s3_bucket',
        'aws_s3_bucket_public_access_block',
        'aws_s3_bucket_ownership_controls',
        'aws_s3_bucket_versioning',
        'aws_s3_bucket_server_side_encryption_configuration',
        'aws_iam_role',
        'aws_iam_role_policy',
      ].map(
        (type): TerraformFact => ({
          fact: `resource type ${type}`,
          block: 'resource',
          type,
          doc: TF('hashicorp/aws', 'resources', type),
        }),
      ),
      ...['aws_iam_policy_document', 'aws_route53_zone'].map(
        (type): TerraformFact => ({
          fact: `data source ${type}`,
          block: 'data',
          type,
          doc: TF('hashicorp/aws', 'data-sources', type),
        }),
      ),
      {
        fact: 'SSE-KMS default encryption of a bucket: sse_algorithm aws:kms',
        block: 'resource',
        type: 'aws_s3_bucket_server_side_encryption_configuration',
        name: 'shop_orders_archive',
        path: ['rule', 0, 'apply_server_side_encryption_by_default', 0, 'sse_algorithm'],
        equals: 'aws:kms',
        doc: TF('hashicorp/aws', 'resources', 'aws_s3_bucket_server_side_encryption_configuration'),
      },
      {
        fact: 'IRSA trust policy: AssumeRoleWithWebIdentity for exactly one ServiceAccount, audience sts.amazonaws.com',
        block: 'data',
        type: 'aws_iam_policy_document',
        name: 'external_dns_trust',
        path: ['statement', 0],
        equals: {
          sid: 'ServiceAccount',
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [
            {
              type: 'Federated',
              identifiers: [
                'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
              ],
            },
          ],
          condition: [
            {
              test: 'StringEquals',
              variable: 'oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub',
              values: ['system:serviceaccount:external-dns:external-dns'],
            },
            {
              test: 'StringEquals',
              variable: 'oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud',
              values: ['sts.amazonaws.com'],
            },
          ],
        },
        doc: 'https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html',
      },
      {
        fact: 'SSE-KMS through S3 only: condition kms:ViaService s3.<region>.amazonaws.com',
        block: 'data',
        type: 'aws_iam_policy_document',
        name: 'orders_to_archive',
        path: ['statement', 2, 'condition', 0],
        equals: {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: ['s3.eu-central-1.amazonaws.com'],
        },
        doc: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
      },
      {
        fact: 'EBS CSI grants on the key only for AWS resources: kms:GrantIsForAWSResource true',
        block: 'data',
        type: 'aws_iam_policy_document',
        name: 'ebs_csi_kms',
        path: ['statement', 1, 'condition', 0],
        equals: { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
        doc: 'https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html',
      },
    ],
    grants: [
      {
        fact: 'external-dns on Route 53 (its documented IAM policy)',
        grants: [
          'route53:ChangeResourceRecordSets',
          'route53:ListHostedZones',
          'route53:ListResourceRecordSets',
        ],
        doc: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/aws.md#iam-policy',
      },
      {
        fact: 'S3 object and bucket actions for read, write, list',
        grants: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListBucket',
        ],
        doc: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html',
      },
      {
        fact: 'SSE-KMS objects: GenerateDataKey to write, Decrypt to read',
        grants: ['kms:GenerateDataKey', 'kms:Decrypt'],
        doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
      },
      {
        fact: 'EBS CSI driver with a customer managed key',
        grants: [
          'kms:CreateGrant',
          'kms:ListGrants',
          'kms:RevokeGrant',
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        doc: 'https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html',
      },
      {
        fact: 'Grafana CloudWatch data source, metrics read',
        grants: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'cloudwatch:GetMetricStatistics'],
        doc: 'https://grafana.com/docs/grafana/latest/datasources/aws-cloudwatch/#configure-iam-policies',
      },
    ],
  },

  azure: {
    objects: [
      {
        fact: 'Azure Disk CSI driver name',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['provisioner'],
        equals: 'disk.csi.azure.com',
        doc: AZURE_DISK_PARAMETERS,
      },
      {
        fact: 'Azure Disk CSI parameters: skuName, diskEncryptionSetID, diskEncryptionType',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['parameters'],
        equals: {
          skuName: 'Premium_ZRS',
          diskEncryptionSetID:
            '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/shop-prod/providers/Microsoft.Compute/diskEncryptionSets/shop-des',
          diskEncryptionType: 'EncryptionAtRestWithCustomerKey',
        },
        doc: AZURE_DISK_PARAMETERS,
      },
      {
        fact: 'Workload identity: ServiceAccount annotation azure.workload.identity/client-id',
        kind: 'ServiceAccount',
        name: 'orders-to-archive',
        namespace: 'shop-data',
        path: ['metadata', 'annotations', 'azure.workload.identity/client-id'],
        equals: '10000000-0000-0000-0000-000000000001',
        doc: AZURE_WI_LABELS,
      },
      {
        fact: 'Workload identity: pods carry the label azure.workload.identity/use: "true"',
        kind: 'Deployment',
        name: 'orders-to-archive',
        namespace: 'shop-data',
        path: ['spec', 'template', 'metadata', 'labels', 'azure.workload.identity/use'],
        equals: 'true',
        doc: AZURE_WI_LABELS,
      },
      {
        fact: 'external-dns pods are mutated by the workload identity webhook too',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: ['spec', 'template', 'metadata', 'labels', 'azure.workload.identity/use'],
        equals: 'true',
        doc: AZURE_WI_LABELS,
      },
      {
        fact: 'Static public IP for a LoadBalancer Service: azure-pip-name and its resource group',
        kind: 'EnvoyProxy',
        path: [...ENVOY_SERVICE, 'annotations'],
        equals: {
          'service.beta.kubernetes.io/azure-pip-name': 'shop-gateway',
          'service.beta.kubernetes.io/azure-load-balancer-resource-group': 'shop-prod',
        },
        doc: 'https://learn.microsoft.com/azure/aks/static-ip',
      },
      {
        fact: 'external-dns on Azure DNS: provider azure, the zone resource group, /etc/kubernetes/azure.json',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: EXTERNAL_DNS_ARGS,
        includes: [
          '--provider=azure',
          '--azure-resource-group=shop-dns',
          '--azure-config-file=/etc/kubernetes/azure.json',
        ],
        doc: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/azure.md',
      },
      {
        fact: 'external-dns azure.json for workload identity: useWorkloadIdentityExtension true',
        kind: 'ConfigMap',
        name: 'external-dns-azure',
        namespace: 'external-dns',
        path: ['data', 'azure.json'],
        matches: /"useWorkloadIdentityExtension": true/,
        doc: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/azure.md#workload-identity',
      },
      {
        fact: 'Velero BackupStorageLocation on Azure Blob: resourceGroup, storageAccount, subscriptionId, useAAD',
        kind: 'BackupStorageLocation',
        apiVersion: 'velero.io/v1',
        path: ['spec', 'config'],
        equals: {
          resourceGroup: 'shop-prod',
          storageAccount: 'shopdatastore',
          subscriptionId: '00000000-0000-0000-0000-000000000001',
          useAAD: 'true',
        },
        doc: 'https://github.com/vmware-tanzu/velero-plugin-for-microsoft-azure/blob/main/backupstoragelocation.md',
      },
      {
        fact: 'Grafana Azure Monitor data source type id, workload identity auth',
        kind: 'ConfigMap',
        name: 'shop-provider-metrics',
        namespace: 'monitoring',
        path: PROVIDER_METRICS,
        matches: /"type": "grafana-azure-monitor-datasource"[\s\S]*"azureAuthType": "workloadidentity"/,
        doc: 'https://grafana.com/docs/grafana/latest/datasources/azure-monitor/#provision-the-data-source',
      },
    ],
    terraform: [
      {
        fact: 'AzureRM provider source',
        block: 'terraform',
        type: 'required_providers',
        path: ['azurerm', 'source'],
        equals: 'hashicorp/azurerm',
        doc: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs',
      },
      ...[
        'azurerm_public_ip',
        'azurerm_storage_container',
        'azurerm_storage_encryption_scope',
        'azurerm_user_assigned_identity',
        'azurerm_federated_identity_credential',
        'azurerm_role_definition',
        'azurerm_role_assignment',
      ].map(
        (type): TerraformFact => ({
          fact: `resource type ${type}`,
          block: 'resource',
          type,
          doc: TF('hashicorp/azurerm', 'resources', type),
        }),
      ),
      ...['azurerm_dns_zone', 'azurerm_storage_account'].map(
        (type): TerraformFact => ({
          fact: `data source ${type}`,
          block: 'data',
          type,
          doc: TF('hashicorp/azurerm', 'data-sources', type),
        }),
      ),
      {
        fact: 'Federated credential for AKS workload identity: audience api://AzureADTokenExchange',
        block: 'resource',
        type: 'azurerm_federated_identity_credential',
        name: 'orders_to_archive',
        path: ['audience'],
        equals: ['api://AzureADTokenExchange'],
        doc: 'https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster#create-the-federated-identity-credential',
      },
      {
        fact: 'Federated credential subject: system:serviceaccount:<namespace>:<name>',
        block: 'resource',
        type: 'azurerm_federated_identity_credential',
        name: 'orders_to_archive',
        path: ['subject'],
        equals: 'system:serviceaccount:shop-data:orders-to-archive',
        doc: 'https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster#create-the-federated-identity-credential',
      },
      {
        fact: 'Encryption scope with a Key Vault key: source Microsoft.KeyVault',
        block: 'resource',
        type: 'azurerm_storage_encryption_scope',
        name: 'shop_orders_archive',
        path: ['source'],
        equals: 'Microsoft.KeyVault',
        doc: TF('hashicorp/azurerm', 'resources', 'azurerm_storage_encryption_scope'),
      },
    ],
    grants: [
      {
        fact: 'Blob data actions for read, write (create, overwrite) and delete',
        grants: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action',
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
          'Microsoft.Storage/storageAccounts/blobServices/containers/read',
        ],
        doc: AZURE_STORAGE_OPERATIONS,
      },
      {
        fact: 'Azure DNS record sets that external-dns writes (A, AAAA, CNAME, TXT)',
        grants: [
          'Microsoft.Network/dnsZones/read',
          'Microsoft.Network/dnsZones/A/write',
          'Microsoft.Network/dnsZones/A/delete',
          'Microsoft.Network/dnsZones/TXT/write',
          'Microsoft.Network/dnsZones/CNAME/write',
          'Microsoft.Network/dnsZones/recordsets/read',
        ],
        doc: 'https://learn.microsoft.com/azure/role-based-access-control/permissions/networking#microsoftnetwork',
      },
      {
        fact: 'Azure Monitor metrics read for Grafana',
        grants: ['Microsoft.Insights/metrics/read', 'Microsoft.Insights/metricDefinitions/read'],
        doc: 'https://learn.microsoft.com/azure/role-based-access-control/permissions/monitor#microsoftinsights',
      },
    ],
  },

  gcp: {
    objects: [
      {
        fact: 'Compute Engine persistent disk CSI driver name',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['provisioner'],
        equals: 'pd.csi.storage.gke.io',
        doc: GKE_CMEK,
      },
      {
        fact: 'CMEK-protected disks: parameter disk-encryption-kms-key with the full key name',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['parameters'],
        equals: {
          type: 'pd-balanced',
          'disk-encryption-kms-key':
            'projects/shop-prod-4711/locations/europe-west3/keyRings/shop/cryptoKeys/shop-data',
        },
        doc: GKE_CMEK,
      },
      {
        fact: 'Workload Identity: ServiceAccount annotation iam.gke.io/gcp-service-account with the IAM email',
        kind: 'ServiceAccount',
        name: 'orders-to-archive',
        namespace: 'shop-data',
        path: ['metadata', 'annotations', 'iam.gke.io/gcp-service-account'],
        equals: 'shop-orders-to-archive@shop-prod-4711.iam.gserviceaccount.com',
        doc: GKE_WORKLOAD_IDENTITY,
      },
      {
        fact: 'Backend service-based external passthrough NLB: annotation cloud.google.com/l4-rbs',
        kind: 'EnvoyProxy',
        path: [...ENVOY_SERVICE, 'annotations'],
        equals: { 'cloud.google.com/l4-rbs': 'enabled' },
        doc: 'https://cloud.google.com/kubernetes-engine/docs/how-to/backend-service-based-external-load-balancer',
      },
      {
        fact: 'external-dns on Cloud DNS: provider google, the project, public zones',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: EXTERNAL_DNS_ARGS,
        includes: ['--provider=google', '--google-project=shop-prod-4711', '--google-zone-visibility=public'],
        doc: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/gke.md',
      },
      {
        fact: 'Velero BackupStorageLocation on GCS: provider gcp',
        kind: 'BackupStorageLocation',
        apiVersion: 'velero.io/v1',
        path: ['spec', 'provider'],
        equals: 'gcp',
        doc: 'https://github.com/vmware-tanzu/velero-plugin-for-gcp/blob/main/backupstoragelocation.md',
      },
      {
        fact: 'Velero on GCS with Workload Identity: kmsKeyName, and serviceAccount names the Google service account',
        kind: 'BackupStorageLocation',
        path: ['spec', 'config'],
        equals: {
          kmsKeyName: 'projects/shop-prod-4711/locations/europe-west3/keyRings/shop/cryptoKeys/shop-data',
          serviceAccount: 'shop-cluster-backup@shop-prod-4711.iam.gserviceaccount.com',
        },
        doc: 'https://github.com/vmware-tanzu/velero-plugin-for-gcp/blob/main/README.md#install-and-start-velero',
      },
      {
        fact: 'Grafana Google Cloud Monitoring data source type id, GCE default credentials',
        kind: 'ConfigMap',
        name: 'shop-provider-metrics',
        namespace: 'monitoring',
        path: PROVIDER_METRICS,
        matches: /"type": "stackdriver"[\s\S]*"authenticationType": "gce"/,
        doc: 'https://grafana.com/docs/grafana/latest/datasources/google-cloud-monitoring/#provision-the-data-source',
      },
    ],
    terraform: [
      {
        fact: 'Google provider source',
        block: 'terraform',
        type: 'required_providers',
        path: ['google', 'source'],
        equals: 'hashicorp/google',
        doc: 'https://registry.terraform.io/providers/hashicorp/google/latest/docs',
      },
      ...[
        'google_storage_bucket',
        'google_service_account',
        'google_service_account_iam_member',
        'google_project_iam_custom_role',
        'google_storage_bucket_iam_member',
        'google_dns_managed_zone_iam_member',
        'google_project_iam_member',
        'google_kms_crypto_key_iam_member',
      ].map(
        (type): TerraformFact => ({
          fact: `resource type ${type}`,
          block: 'resource',
          type,
          doc: TF('hashicorp/google', 'resources', type),
        }),
      ),
      ...['google_dns_managed_zone', 'google_project', 'google_storage_project_service_account'].map(
        (type): TerraformFact => ({
          fact: `data source ${type}`,
          block: 'data',
          type,
          doc: TF('hashicorp/google', 'data-sources', type),
        }),
      ),
      {
        fact: 'Workload Identity binding: roles/iam.workloadIdentityUser for PROJECT.svc.id.goog[NAMESPACE/KSA]',
        block: 'resource',
        type: 'google_service_account_iam_member',
        name: 'orders_to_archive_workload_identity',
        path: [],
        matches:
          /"role":"roles\/iam\.workloadIdentityUser","member":"serviceAccount:shop-prod-4711\.svc\.id\.goog\[shop-data\/orders-to-archive\]"/,
        doc: GKE_WORKLOAD_IDENTITY,
      },
      {
        fact: 'CMEK disks: the Compute Engine service agent gets cryptoKeyEncrypterDecrypter on the key',
        block: 'resource',
        type: 'google_kms_crypto_key_iam_member',
        name: 'compute_service_agent',
        path: [],
        matches:
          /"role":"roles\/cloudkms\.cryptoKeyEncrypterDecrypter","member":"serviceAccount:service-\$\{data\.google_project\.platform\.number\}@compute-system\.iam\.gserviceaccount\.com"/,
        doc: GKE_CMEK,
      },
      {
        fact: 'CMEK buckets: default_kms_key_name, and the Cloud Storage service agent may use the key',
        block: 'resource',
        type: 'google_storage_bucket',
        name: 'shop_orders_archive',
        path: ['encryption', 0, 'default_kms_key_name'],
        equals: 'projects/shop-prod-4711/locations/europe-west3/keyRings/shop/cryptoKeys/shop-data',
        doc: 'https://cloud.google.com/storage/docs/encryption/using-customer-managed-keys',
      },
    ],
    grants: [
      {
        fact: 'Cloud Storage object permissions for read, write (create, overwrite), list',
        grants: [
          'storage.objects.get',
          'storage.objects.create',
          'storage.objects.delete',
          'storage.objects.list',
        ],
        doc: 'https://cloud.google.com/storage/docs/access-control/iam-permissions',
      },
      {
        fact: 'Cloud DNS permissions external-dns uses to change records in a managed zone',
        grants: [
          'dns.changes.create',
          'dns.managedZones.list',
          'dns.resourceRecordSets.create',
          'dns.resourceRecordSets.delete',
          'dns.resourceRecordSets.list',
          'dns.resourceRecordSets.update',
        ],
        doc: 'https://cloud.google.com/dns/docs/access-control#permissions_and_roles',
      },
      {
        fact: 'Cloud Monitoring read for Grafana',
        grants: ['monitoring.timeSeries.list', 'monitoring.metricDescriptors.list'],
        doc: 'https://cloud.google.com/monitoring/access-control#permissions',
      },
      {
        fact: 'Workload Identity and CMEK roles',
        grants: ['roles/iam.workloadIdentityUser', 'roles/cloudkms.cryptoKeyEncrypterDecrypter'],
        doc: GKE_WORKLOAD_IDENTITY,
      },
    ],
  },

  baremetal: {
    objects: [
      {
        fact: 'Longhorn CSI driver name',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['provisioner'],
        equals: 'driver.longhorn.io',
        doc: LONGHORN_ENCRYPTION,
      },
      {
        fact: 'Longhorn encrypted volumes: encrypted "true" and the CSI secret parameters naming the key Secret',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['parameters'],
        equals: {
          numberOfReplicas: '3',
          staleReplicaTimeout: '30',
          fsType: 'ext4',
          encrypted: 'true',
          'csi.storage.k8s.io/provisioner-secret-name': 'shop-volume-encryption',
          'csi.storage.k8s.io/provisioner-secret-namespace': 'longhorn-system',
          'csi.storage.k8s.io/node-publish-secret-name': 'shop-volume-encryption',
          'csi.storage.k8s.io/node-publish-secret-namespace': 'longhorn-system',
          'csi.storage.k8s.io/node-stage-secret-name': 'shop-volume-encryption',
          'csi.storage.k8s.io/node-stage-secret-namespace': 'longhorn-system',
          'csi.storage.k8s.io/node-expand-secret-name': 'shop-volume-encryption',
          'csi.storage.k8s.io/node-expand-secret-namespace': 'longhorn-system',
        },
        doc: LONGHORN_ENCRYPTION,
      },
      {
        fact: 'MetalLB IPAddressPool (metallb.io/v1beta1) not auto-assigned',
        kind: 'IPAddressPool',
        name: 'shop',
        namespace: 'metallb-system',
        apiVersion: 'metallb.io/v1beta1',
        path: ['spec'],
        equals: { addresses: ['192.168.10.240-192.168.10.250'], autoAssign: false },
        doc: METALLB_CONFIGURATION,
      },
      {
        fact: 'MetalLB L2Advertisement of that pool',
        kind: 'L2Advertisement',
        name: 'shop',
        namespace: 'metallb-system',
        apiVersion: 'metallb.io/v1beta1',
        path: ['spec', 'ipAddressPools'],
        equals: ['shop'],
        doc: `${METALLB_CONFIGURATION}#layer-2-configuration`,
      },
      {
        // The metallb.universe.tf/ prefix is deprecated since MetalLB v0.14.9 (release notes).
        fact: 'A Service asks MetalLB for an address from a named pool: annotation metallb.io/address-pool',
        kind: 'EnvoyProxy',
        path: [...ENVOY_SERVICE, 'annotations'],
        equals: { 'metallb.io/address-pool': 'shop' },
        doc: 'https://metallb.io/usage/#requesting-specific-ips',
      },
      {
        fact: 'external-dns over RFC2136 with a TSIG key (and AXFR to list records)',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: EXTERNAL_DNS_ARGS,
        includes: [
          '--provider=rfc2136',
          '--rfc2136-host=192.168.10.2',
          '--rfc2136-port=53',
          '--rfc2136-zone=shop.example.com',
          '--rfc2136-tsig-keyname=externaldns-key',
          '--rfc2136-tsig-secret-alg=hmac-sha256',
          '--rfc2136-tsig-axfr',
        ],
        doc: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/rfc2136.md',
      },
      {
        fact: 'the TSIG secret reaches external-dns as EXTERNAL_DNS_RFC2136_TSIG_SECRET, from a Secret',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: ['spec', 'template', 'spec', 'containers', 0, 'env', 0],
        equals: {
          name: 'EXTERNAL_DNS_RFC2136_TSIG_SECRET',
          valueFrom: { secretKeyRef: { name: 'external-dns-tsig', key: 'tsig-secret' } },
        },
        doc: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/rfc2136.md',
      },
    ],
    terraform: [
      {
        fact: 'MinIO provider source',
        block: 'terraform',
        type: 'required_providers',
        path: ['minio', 'source'],
        equals: 'aminueza/minio',
        doc: 'https://registry.terraform.io/providers/aminueza/minio/latest/docs',
      },
      ...[
        'minio_s3_bucket',
        'minio_s3_bucket_versioning',
        'minio_s3_bucket_server_side_encryption',
        'minio_iam_user',
        'minio_iam_policy',
        'minio_iam_user_policy_attachment',
      ].map(
        (type): TerraformFact => ({
          fact: `resource type ${type}`,
          block: 'resource',
          type,
          doc: TF('aminueza/minio', 'resources', type),
        }),
      ),
      {
        fact: 'resource type kubernetes_secret_v1',
        block: 'resource',
        type: 'kubernetes_secret_v1',
        doc: 'https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/secret_v1',
      },
      {
        fact: 'resource type random_password',
        block: 'resource',
        type: 'random_password',
        doc: 'https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/password',
      },
      {
        fact: 'bucket SSE with the MinIO KMS: encryption_type aws:kms and the key id',
        block: 'resource',
        type: 'minio_s3_bucket_server_side_encryption',
        name: 'shop_orders_archive',
        path: [],
        matches: /"encryption_type":"aws:kms","kms_key_id":"shop-data"/,
        doc: TF('aminueza/minio', 'resources', 'minio_s3_bucket_server_side_encryption'),
      },
      {
        fact: 'Longhorn encryption Secret keys: provider secret, LUKS cipher, hash, key size, PBKDF',
        block: 'resource',
        type: 'kubernetes_secret_v1',
        name: 'longhorn_system_shop_volume_encryption',
        path: ['data'],
        matches:
          /"CRYPTO_KEY_VALUE":"\$\{random_password\.volume_encryption\.result\}","CRYPTO_KEY_PROVIDER":"secret","CRYPTO_KEY_CIPHER":"aes-xts-plain64","CRYPTO_KEY_HASH":"sha256","CRYPTO_KEY_SIZE":"256","CRYPTO_PBKDF":"argon2i"/,
        doc: LONGHORN_ENCRYPTION,
      },
    ],
    grants: [
      {
        fact: 'MinIO policies use the S3 action names',
        grants: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
        doc: 'https://min.io/docs/minio/linux/administration/identity-access-management/policy-based-access-control.html#supported-s3-policy-actions',
      },
    ],
  },
  scaleway: {
    objects: [
      {
        fact: 'Scaleway Block Storage CSI driver name',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['provisioner'],
        equals: 'csi.scaleway.com',
        doc: SCW_CSI,
      },
      {
        fact: 'Scaleway CSI encryption with Key Manager: encrypted "true" and kmsKeyId, ext4',
        kind: 'StorageClass',
        name: 'datapipe-encrypted',
        path: ['parameters'],
        equals: {
          'csi.storage.k8s.io/fstype': 'ext4',
          encrypted: 'true',
          kmsKeyId: '3f9a7c21-84d6-4e0b-a5c2-9d1e6b4f8a37',
        },
        doc: SCW_CSI,
      },
      {
        fact: 'Scaleway Load Balancer offer annotation of the cloud controller manager',
        kind: 'EnvoyProxy',
        path: [...ENVOY_SERVICE, 'annotations'],
        equals: { 'service.beta.kubernetes.io/scw-loadbalancer-type': 'LB-S' },
        doc: SCW_CCM_ANNOTATIONS,
      },
      {
        fact: 'external-dns on Scaleway DNS: provider scaleway',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: EXTERNAL_DNS_ARGS,
        includes: ['--provider=scaleway'],
        doc: SCW_EXTERNAL_DNS,
      },
      {
        fact: 'external-dns reads SCW_ACCESS_KEY and SCW_SECRET_KEY',
        kind: 'Deployment',
        name: 'external-dns',
        namespace: 'external-dns',
        path: ['spec', 'template', 'spec', 'containers', 0, 'env'],
        equals: [
          {
            name: 'SCW_ACCESS_KEY',
            valueFrom: { secretKeyRef: { name: 'external-dns-scw', key: 'SCW_ACCESS_KEY' } },
          },
          {
            name: 'SCW_SECRET_KEY',
            valueFrom: { secretKeyRef: { name: 'external-dns-scw', key: 'SCW_SECRET_KEY' } },
          },
        ],
        doc: SCW_EXTERNAL_DNS,
      },
      {
        fact: 'Velero on an S3-compatible store: provider aws with region, s3Url and path-style addressing',
        kind: 'BackupStorageLocation',
        apiVersion: 'velero.io/v1',
        path: ['spec', 'config'],
        equals: { region: 'fr-par', s3Url: 'https://s3.fr-par.scw.cloud', s3ForcePathStyle: 'true' },
        doc: VELERO_AWS_BSL,
      },
    ],
    terraform: [
      {
        fact: 'Scaleway provider source',
        block: 'terraform',
        type: 'required_providers',
        path: ['scaleway', 'source'],
        equals: 'scaleway/scaleway',
        doc: 'https://registry.terraform.io/providers/scaleway/scaleway/latest/docs',
      },
      ...[
        'scaleway_object_bucket',
        'scaleway_object_bucket_acl',
        'scaleway_object_bucket_policy',
        'scaleway_object_bucket_server_side_encryption_configuration',
        'scaleway_iam_application',
        'scaleway_iam_api_key',
        'scaleway_iam_policy',
      ].map(
        (type): TerraformFact => ({
          fact: `resource type ${type}`,
          block: 'resource',
          type,
          doc: TF('scaleway/scaleway', 'resources', type),
        }),
      ),
      {
        fact: 'bucket SSE with a Key Manager key: sse_algorithm aws:kms and the key id',
        block: 'resource',
        type: 'scaleway_object_bucket_server_side_encryption_configuration',
        name: 'shop_orders_archive',
        path: [],
        matches: /"sse_algorithm":"aws:kms","kms_master_key_id":"3f9a7c21-84d6-4e0b-a5c2-9d1e6b4f8a37"/,
        doc: TF(
          'scaleway/scaleway',
          'resources',
          'scaleway_object_bucket_server_side_encryption_configuration',
        ),
      },
      {
        fact: 'bucket policies are version 2023-04-17 and name applications as SCW application_id principals',
        block: 'resource',
        type: 'scaleway_object_bucket_policy',
        name: 'shop_orders_archive',
        path: ['policy'],
        matches:
          /"Version":"2023-04-17".*"Principal":\{"SCW":"application_id:\$\{scaleway_iam_application\.orders_to_archive\.id\}"\}/,
        doc: SCW_BUCKET_POLICY,
      },
    ],
    grants: [
      {
        fact: 'Scaleway bucket policies use the S3 action names',
        grants: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
        doc: SCW_BUCKET_POLICY,
      },
    ],
  },
};

function at(value: unknown, path: Path): unknown {
  let cur = value;
  for (const k of path) cur = (cur as Record<string | number, unknown> | undefined)?.[k];
  return cur;
}

/** The value at path must be what the row says (or just exist, when the row says nothing more). */
function check(value: unknown, row: ObjectFact | TerraformFact, where: string): void {
  const message = `${where}: ${row.fact} (${row.doc})`;
  if (row.equals !== undefined) assert.deepEqual(value, row.equals, message);
  else if (row.matches !== undefined)
    assert.match(typeof value === 'string' ? value : JSON.stringify(value), row.matches, message);
  else assert.notEqual(value, undefined, message);
  if ('includes' in row && row.includes) {
    assert.ok(Array.isArray(value) || typeof value === 'string', message);
    for (const item of row.includes)
      assert.ok((value as string[] | string).includes(item), `${message}: ${item}`);
  }
}

function objectsFor(r: RenderResult, row: ObjectFact): K8sObject[] {
  return [...r.applied, ...r.bindings].filter(
    (o) =>
      o.kind === row.kind &&
      (row.name === undefined || o.metadata.name === row.name) &&
      (row.namespace === undefined || o.metadata.namespace === row.namespace),
  );
}

function checkObject(r: RenderResult, row: ObjectFact): void {
  const found = objectsFor(r, row);
  assert.ok(
    found.length > 0,
    `${r.target}: no ${row.kind} ${row.namespace ?? ''}/${row.name ?? '*'} (${row.doc})`,
  );
  for (const o of found) {
    const where = `${r.target} ${o.kind}/${o.metadata.name}`;
    if (row.apiVersion !== undefined)
      assert.equal(o.apiVersion, row.apiVersion, `${where}: ${row.fact} (${row.doc})`);
    if (row.path !== undefined) check(at(o, row.path), row, where);
  }
}

function checkTerraform(r: RenderResult, row: TerraformFact): void {
  const blocks = [...r.terraform.values()].flatMap((doc) => {
    const section = (doc as Record<string, Record<string, unknown> | undefined>)[row.block];
    const typed = section?.[row.type];
    if (typed === undefined) return [];
    if (row.block === 'terraform') return [typed];
    return Object.entries(typed as Record<string, unknown>)
      .filter(([name]) => row.name === undefined || name === row.name)
      .map(([, body]) => body);
  });
  assert.ok(blocks.length > 0, `${r.target}: no ${row.block} ${row.type} ${row.name ?? ''} (${row.doc})`);
  if (row.path !== undefined)
    for (const body of blocks) check(at(body, row.path), row, `${r.target} ${row.block}.${row.type}`);
}

/**
 * Every action, permission and role granted anywhere in the Terraform: IAM policy documents
 * (`actions`), Azure role definitions (`actions`, `data_actions`), GCP custom roles (`permissions`)
 * and role bindings (`role`), and MinIO policies (JSON text with `Action`).
 */
function grantedAnywhere(r: RenderResult): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) {
      for (const v of value) {
        if (typeof v === 'string' && ['actions', 'data_actions', 'permissions', 'Action'].includes(key ?? ''))
          found.add(v);
        else walk(v, key);
      }
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    } else if (typeof value === 'string') {
      if (key === 'role') found.add(value);
      if (key === 'policy' && value.startsWith('{')) walk(JSON.parse(value), undefined);
    }
  };
  for (const doc of r.terraform.values()) walk(doc, undefined);
  return found;
}

describe('rendered output agrees with the providers’ documentation', () => {
  const renders = renderExample();

  test('every target has a table of documented facts', () => {
    assert.deepEqual(Object.keys(FACTS).sort(), [...platformTargets.names].sort());
    for (const target of platformTargets.names) {
      const table = FACTS[target]!;
      assert.ok(table.objects.length > 0 && table.terraform.length > 0 && table.grants.length > 0, target);
      for (const row of [...table.objects, ...table.terraform, ...table.grants])
        assert.match(row.doc, /^https:\/\//, `${target}: "${row.fact}" cites a page`);
    }
  });

  for (const target of platformTargets.names) {
    describe(target, () => {
      const r = renders.get(target)!;
      const table = FACTS[target]!;
      for (const row of [...COMMON, ...table.objects]) test(row.fact, () => checkObject(r, row));
      for (const row of table.terraform) test(row.fact, () => checkTerraform(r, row));
      const granted = grantedAnywhere(r);
      for (const row of table.grants)
        test(row.fact, () => {
          const missing = row.grants.filter((g) => !granted.has(g));
          assert.deepEqual(missing, [], `${target}: ${row.fact}, not granted (${row.doc})`);
        });
    });
  }
});

describe('the fact checks can fail', () => {
  const aws = renderExample().get('aws')!;

  test('a wrong provisioner, annotation key or action is reported', () => {
    const row = FACTS['aws']!.objects[0]!;
    assert.throws(() => checkObject(aws, { ...row, equals: 'ebs.csi.example.com' }), /EBS CSI driver name/);
    assert.throws(
      () =>
        checkObject(aws, {
          fact: 'misspelled key',
          kind: 'ServiceAccount',
          name: 'external-dns',
          path: ['metadata', 'annotations', 'eks.amazonaws.com/role'],
          doc: 'https://example.com',
        }),
      /misspelled key/,
    );
    assert.throws(
      () =>
        checkTerraform(aws, { fact: 'no such type', block: 'resource', type: 'aws_s3_bucket_acl', doc: 'x' }),
      /no resource aws_s3_bucket_acl/,
    );
    assert.equal(grantedAnywhere(aws).has('route53:*'), false);
    assert.equal(grantedAnywhere(aws).has('route53:ChangeResourceRecordSets'), true);
  });
});
