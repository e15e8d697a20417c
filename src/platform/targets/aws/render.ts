/**
 * AWS (EKS): AWS Load Balancer Controller NLB for the Envoy gateway, external-dns on Route 53,
 * EBS CSI gp3 volumes encrypted with the platform KMS key, S3 buckets with SSE-KMS, IRSA roles with
 * least-privilege inline policies, Velero to S3, and the VPC CNI's NetworkPolicy enforcement.
 */
import { ENVOY_GATEWAY_INSTALL, envoyProxies, usesGateway } from '../../k8s/entry.ts';
import { externalDnsObjects } from '../../k8s/external-dns.ts';
import { identityObjects } from '../../k8s/identity.ts';
import { storageClasses, volumesVerify } from '../../k8s/storage-class.ts';
import { VELERO_NAMESPACE, VELERO_SERVICE_ACCOUNT } from '../../k8s/velero.ts';
import { bucketGrants, grantedIdentities, hasGrant, type Identity, type PlatformModel } from '../../model.ts';
import { type TerraformBuilder, tfName, tfRef } from '../../terraform.ts';
import {
  ACTIONS_WITHOUT_RESOURCE_SCOPE,
  actionsFor,
  CLOUDWATCH_READ_ACTIONS,
  EBS_CSI_GRANT_ACTIONS,
  EBS_CSI_KMS_ACTIONS,
  KMS_ACTIONS_FOR,
  type PolicyStatement,
  ROUTE53_ZONE_ACTIONS,
  s3ActionsByResource,
} from '../aws-iam.ts';
import { networkPolicyEnforcement, veleroClusterState } from '../category-bindings.ts';
import { grafanaDatasource, grafanaInstall } from '../grafana-datasource.ts';
import { factsOf, type PlatformTarget } from '../target.ts';
import type { AwsFacts } from './facts.ts';

const facts = (model: PlatformModel) => factsOf<AwsFacts>(model, 'aws');

function awsRoleName(model: PlatformModel, identity: Identity): string {
  return `${model.config.name}-${identity.name}`.slice(0, 64);
}

function roleArn(model: PlatformModel, identity: Identity): string {
  return `arn:aws:iam::${facts(model).accountId}:role/${awsRoleName(model, identity)}`;
}

function identityStatements(model: PlatformModel, identity: Identity): PolicyStatement[] {
  const f = facts(model);
  const statements: PolicyStatement[] = [];
  for (const [bucket, actions] of bucketGrants(model, identity)) {
    const id = bucket.replace(/[^a-zA-Z0-9]/g, '');
    for (const part of s3ActionsByResource(actions))
      statements.push({
        sid: `${part.on === 'objects' ? 'Objects' : 'Bucket'}${id}`,
        effect: 'Allow',
        actions: part.actions,
        resources: [`arn:aws:s3:::${bucket}${part.suffix}`],
      });
    const encrypted = model.config.buckets.find((b) => b.name === bucket)?.encrypted;
    const kmsActions = actionsFor(KMS_ACTIONS_FOR, actions);
    if (encrypted && kmsActions.length > 0)
      statements.push({
        sid: `Key${id}`,
        effect: 'Allow',
        actions: kmsActions,
        resources: [f.kmsKeyArn],
        condition: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${f.region}.amazonaws.com`] },
        ],
      });
  }
  if (hasGrant(model, identity, 'manageRecords')) {
    statements.push({
      sid: 'RecordsInZone',
      effect: 'Allow',
      actions: ROUTE53_ZONE_ACTIONS,
      resources: [`arn:aws:route53:::hostedzone/${f.hostedZoneId}`],
    });
    statements.push({
      sid: 'FindZones',
      effect: 'Allow',
      actions: ['route53:ListHostedZones'],
      resources: ['*'],
    });
  }
  if (hasGrant(model, identity, 'readMetrics'))
    statements.push({
      sid: 'ReadMetrics',
      effect: 'Allow',
      actions: CLOUDWATCH_READ_ACTIONS,
      resources: ['*'],
    });
  for (const s of statements) {
    if (s.resources.includes('*') && !s.actions.every((a) => ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(a)))
      throw new Error(`aws: statement ${s.sid} would grant resource-scoped actions on "*"`);
  }
  return statements;
}

const EBS_CSI_ROLE = 'ebs_csi_driver';
const LB_CONTROLLER_ROLE = 'aws_load_balancer_controller';

/** The IRSA trust policy of role `r`: only the ServiceAccount `namespace/serviceAccount` of this cluster. */
function irsaTrust(
  tf: TerraformBuilder,
  f: AwsFacts,
  r: string,
  namespace: string,
  serviceAccount: string,
): void {
  tf.data('aws_iam_policy_document', `${r}_trust`, {
    statement: [
      {
        sid: 'ServiceAccount',
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [
          { type: 'Federated', identifiers: [`arn:aws:iam::${f.accountId}:oidc-provider/${f.oidcIssuer}`] },
        ],
        condition: [
          {
            test: 'StringEquals',
            variable: `${f.oidcIssuer}:sub`,
            values: [`system:serviceaccount:${namespace}:${serviceAccount}`],
          },
          { test: 'StringEquals', variable: `${f.oidcIssuer}:aud`, values: ['sts.amazonaws.com'] },
        ],
      },
    ],
  });
}

/**
 * IRSA roles of the two controllers the platform needs on EKS, with their outputs for the install
 * commands. The EBS CSI driver gets AWS's managed policy for it (plus the key policy in encryption);
 * the Load Balancer Controller's policy is the one its project publishes per release, which the user
 * creates once under the name its install guide uses (a variable with that default).
 */
function controllerRoles(model: PlatformModel, tf: TerraformBuilder): string[] {
  const f = facts(model);
  const name = model.config.name;
  const roles: [string, string, string, string][] = [];
  const arn = (r: string) => `arn:aws:iam::${f.accountId}:role/${name}-${r.replaceAll('_', '-')}`;
  if (usesGateway(model.config))
    roles.push([
      LB_CONTROLLER_ROLE,
      'kube-system',
      'aws-load-balancer-controller',
      tfRef(`var.${LB_CONTROLLER_ROLE}_policy_arn`),
    ]);
  if (model.config.volumes.length > 0)
    roles.push([
      EBS_CSI_ROLE,
      'kube-system',
      'ebs-csi-controller-sa',
      'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
    ]);
  for (const [r, namespace, sa, policyArn] of roles) {
    irsaTrust(tf, f, r, namespace, sa);
    tf.resource('aws_iam_role', r, {
      name: `${name}-${r.replaceAll('_', '-')}`,
      assume_role_policy: tfRef(`data.aws_iam_policy_document.${r}_trust.json`),
      tags: { 'app.kubernetes.io/part-of': name },
    });
    tf.resource('aws_iam_role_policy_attachment', r, {
      role: tfRef(`aws_iam_role.${r}.name`),
      policy_arn: policyArn,
    });
    tf.output(`${r}_role_arn`, tfRef(`aws_iam_role.${r}.arn`), `IRSA role of ${namespace}/${sa}`);
  }
  const runbook: string[] = [];
  if (usesGateway(model.config)) {
    tf.doc.variable = {
      ...tf.doc.variable,
      [`${LB_CONTROLLER_ROLE}_policy_arn`]: {
        type: 'string',
        default: `arn:aws:iam::${f.accountId}:policy/AWSLoadBalancerControllerIAMPolicy`,
        description:
          "The AWS Load Balancer Controller's IAM policy (its project's docs/install/iam_policy.json).",
      },
    };
    runbook.push(
      `AWS Load Balancer Controller role: before \`provider/\`, create its IAM policy once from the controller release's \`docs/install/iam_policy.json\` (\`aws iam create-policy --policy-name AWSLoadBalancerControllerIAMPolicy --policy-document file://iam_policy.json\`; another name: \`-var aws_load_balancer_controller_policy_arn=ARN\`). Install the chart with the ServiceAccount annotation \`eks.amazonaws.com/role-arn: ${arn(LB_CONTROLLER_ROLE)}\` (\`provider/\` creates the role; also \`tofu output aws_load_balancer_controller_role_arn\`).`,
    );
  }
  if (model.config.volumes.length > 0)
    runbook.push(
      `EBS CSI driver role: \`aws eks create-addon --cluster-name ${f.clusterName} --addon-name aws-ebs-csi-driver --service-account-role-arn ${arn(EBS_CSI_ROLE)}\` (\`provider/\` creates the role; also \`tofu output ebs_csi_driver_role_arn\`).`,
    );
  return runbook;
}

export const awsTarget: PlatformTarget = {
  backupIdentity: { namespace: VELERO_NAMESPACE, serviceAccount: VELERO_SERVICE_ACCOUNT },

  providers(model) {
    return {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 6.0' } } },
      provider: { aws: { region: facts(model).region, allowed_account_ids: [facts(model).accountId] } },
    };
  },

  containerEnvironment(model) {
    return {
      DATAPIPE_TARGET: 'aws',
      AWS_REGION: facts(model).region,
      AWS_DEFAULT_REGION: facts(model).region,
    };
  },

  dnsAndLoadBalancing({ model, tf }) {
    const f = facts(model);
    tf.data('aws_route53_zone', 'platform', { zone_id: f.hostedZoneId });
    const objects = [
      ...envoyProxies(model.config, {
        loadBalancerClass: 'service.k8s.aws/nlb',
        annotations: {
          'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
          'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
          'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        },
      }),
      ...externalDnsObjects(model, {
        provider: 'aws',
        args: ['--aws-zone-type=public', `--zone-id-filter=${f.hostedZoneId}`],
        env: [{ name: 'AWS_DEFAULT_REGION', value: f.region }],
      }),
    ];
    return {
      objects,
      runbook: {
        install: [
          'AWS Load Balancer Controller (Helm chart `eks/aws-load-balancer-controller`) with the IRSA role `provider/` renders (section 4): it turns the Envoy Service into an NLB (`loadBalancerClass: service.k8s.aws/nlb`).',
          ENVOY_GATEWAY_INSTALL,
          'external-dns is rendered here (`bindings/deployment.yaml`); its IAM role is in `provider/workload-authorization.tf.json`.',
        ],
        verify: [
          '`kubectl get gateway -n NAMESPACE` shows PROGRAMMED=True and an NLB hostname.',
          '`kubectl logs -n external-dns deploy/external-dns` shows the records it created; `dig +short HOST` answers.',
        ],
      },
    };
  },

  persistence({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets) {
      const r = tfName(b.name);
      tf.resource('aws_s3_bucket', r, { bucket: b.name, force_destroy: false });
      tf.resource('aws_s3_bucket_public_access_block', r, {
        bucket: `\${aws_s3_bucket.${r}.id}`,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      tf.resource('aws_s3_bucket_ownership_controls', r, {
        bucket: `\${aws_s3_bucket.${r}.id}`,
        rule: [{ object_ownership: 'BucketOwnerEnforced' }],
      });
      tf.resource('aws_s3_bucket_versioning', r, {
        bucket: `\${aws_s3_bucket.${r}.id}`,
        versioning_configuration: [{ status: b.versioning ? 'Enabled' : 'Suspended' }],
      });
      // Old versions would otherwise be kept (and paid for) forever; unfinished uploads too.
      tf.resource('aws_s3_bucket_lifecycle_configuration', r, {
        bucket: `\${aws_s3_bucket.${r}.id}`,
        rule: [
          {
            id: 'old-versions-and-unfinished-uploads',
            status: 'Enabled',
            filter: [{}],
            abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
            ...(b.versioning
              ? { noncurrent_version_expiration: [{ noncurrent_days: b.noncurrentVersionDays }] }
              : {}),
          },
        ],
        depends_on: [`aws_s3_bucket_versioning.${r}`],
      });
    }
    return {
      objects: storageClasses(model, {
        provisioner: 'ebs.csi.aws.com',
        encrypted: {
          type: 'gp3',
          'csi.storage.k8s.io/fstype': 'ext4',
          encrypted: 'true',
          kmsKeyId: f.kmsKeyArn,
        },
        standard: { type: 'gp3', 'csi.storage.k8s.io/fstype': 'ext4' },
      }),
      runbook: {
        install: [
          'Amazon EBS CSI driver (EKS add-on `aws-ebs-csi-driver`) with the IRSA role `provider/` renders (section 4).',
        ],
        verify: [volumesVerify('in EC2, the volume is Encrypted with the platform key.')],
      },
    };
  },

  encryption({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets) {
      const r = tfName(b.name);
      tf.resource('aws_s3_bucket_server_side_encryption_configuration', r, {
        bucket: `\${aws_s3_bucket.${r}.id}`,
        rule: [
          {
            apply_server_side_encryption_by_default: [
              b.encrypted
                ? { sse_algorithm: 'aws:kms', kms_master_key_id: f.kmsKeyArn }
                : { sse_algorithm: 'AES256' },
            ],
            bucket_key_enabled: b.encrypted,
          },
        ],
      });
    }
    if (model.config.volumes.some((v) => v.encrypted)) {
      tf.data('aws_iam_policy_document', 'ebs_csi_kms', {
        statement: [
          { sid: 'UseKey', effect: 'Allow', actions: EBS_CSI_KMS_ACTIONS, resources: [f.kmsKeyArn] },
          {
            sid: 'GrantForVolumes',
            effect: 'Allow',
            actions: EBS_CSI_GRANT_ACTIONS,
            resources: [f.kmsKeyArn],
            condition: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
          },
        ],
      });
      tf.resource('aws_iam_role_policy', 'ebs_csi_kms', {
        name: `${model.config.name}-ebs-csi-kms`,
        role: tfRef(`aws_iam_role.${EBS_CSI_ROLE}.id`),
        policy: tfRef('data.aws_iam_policy_document.ebs_csi_kms.json'),
      });
    }
    return {
      objects: [],
      runbook: {
        install: [
          `The KMS key \`${f.kmsKeyArn}\` exists; its key policy lets the account's IAM policies grant its use (the default key policy does).`,
          'Kubernetes Secrets encryption at rest: create the EKS cluster with `encryptionConfig` (resources: secrets) on a KMS key.',
        ],
        verify: ['`aws s3api get-bucket-encryption --bucket BUCKET` shows `aws:kms` with the platform key.'],
      },
    };
  },

  workloadAuthorization({ model, tf }) {
    const f = facts(model);
    for (const identity of grantedIdentities(model)) {
      const r = tfName(identity.name);
      irsaTrust(tf, f, r, identity.namespace, identity.serviceAccount);
      tf.data('aws_iam_policy_document', r, { statement: identityStatements(model, identity) });
      tf.resource('aws_iam_role', r, {
        name: awsRoleName(model, identity),
        assume_role_policy: `\${data.aws_iam_policy_document.${r}_trust.json}`,
        tags: { 'app.kubernetes.io/part-of': model.config.name },
      });
      tf.resource('aws_iam_role_policy', r, {
        name: 'grants',
        role: `\${aws_iam_role.${r}.id}`,
        policy: `\${data.aws_iam_policy_document.${r}.json}`,
      });
    }
    const controllerRunbook = controllerRoles(model, tf);
    const objects = [
      ...identityObjects(model, (i) => ({ 'eks.amazonaws.com/role-arn': roleArn(model, i) })),
      ...grafanaDatasource(model, {
        name: 'CloudWatch',
        type: 'cloudwatch',
        jsonData: { authType: 'default', defaultRegion: f.region },
      }),
    ];
    return {
      objects,
      runbook: {
        install: [
          `IRSA: the cluster's OIDC provider \`${f.oidcIssuer}\` is registered in IAM (\`eksctl utils associate-iam-oidc-provider\`).`,
          ...controllerRunbook,
          grafanaInstall(', `sidecar.dashboards.enabled=true`, `sidecar.datasources.enabled=true`'),
        ],
        verify: [
          '`kubectl exec -n NAMESPACE deploy/PIPELINE -- env | grep AWS_ROLE_ARN` shows the role (injected by the EKS Pod Identity webhook).',
          '`aws iam simulate-principal-policy --policy-source-arn ROLE_ARN --action-names s3:PutObject --resource-arns arn:aws:s3:::BUCKET/x` is `allowed`; the same for another bucket is `implicitDeny`.',
        ],
      },
    };
  },

  clusterState({ model }) {
    const f = facts(model);
    return veleroClusterState(model, {
      cluster: 'EKS',
      provider: 'aws',
      locationConfig: { region: f.region, kmsKeyId: f.kmsKeyArn },
      installNote: 'and no default backup location (the rendered BackupStorageLocation is the default)',
      verify: ['Restore drill: `velero restore create --from-backup BACKUP` into a scratch cluster.'],
    });
  },

  network() {
    return networkPolicyEnforcement(
      'NetworkPolicy enforcement: the Amazon VPC CNI enforces NetworkPolicy only when the `vpc-cni` add-on is configured with `enableNetworkPolicy: "true"` (v1.14+). Alternatively run Cilium or Calico. Without one of these the rendered policies are accepted but do nothing.',
      'From a pod of the namespace that no rule allows, `wget -T 3 http://SERVICE:PORT` times out (default deny), while the allowed flows answer.',
    );
  },
};
