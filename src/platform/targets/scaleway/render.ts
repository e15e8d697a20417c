import { ENVOY_GATEWAY_INSTALL, envoyProxies } from '../../k8s/entry.ts';
import { externalDnsObjects } from '../../k8s/external-dns.ts';
import { identityObjects } from '../../k8s/identity.ts';
import { storageClasses, volumesVerify } from '../../k8s/storage-class.ts';
import { VELERO_NAMESPACE, VELERO_SERVICE_ACCOUNT } from '../../k8s/velero.ts';
import {
  bucketGrants,
  CLUSTER_BACKUP_IDENTITY,
  grantedIdentities,
  hasGrant,
  type Identity,
  type PlatformModel,
} from '../../model.ts';
import { type TerraformBuilder, tfName } from '../../terraform.ts';
import { s3ActionsByResource } from '../aws-iam.ts';
import {
  networkPolicyEnforcement,
  s3CompatibleEnvironment,
  veleroClusterState,
} from '../category-bindings.ts';
import { grafanaInstall } from '../grafana-datasource.ts';
import { keySecretPatches } from '../key-secrets.ts';
import { factsOf, type PlatformTarget } from '../target.ts';
import type { ScalewayFacts } from './facts.ts';

const facts = (model: PlatformModel) => factsOf<ScalewayFacts>(model, 'scaleway');

/** Object Storage endpoint of a region (S3-compatible). */
export function scalewayS3Endpoint(region: string): string {
  return `https://s3.${region}.scw.cloud`;
}

/** The Secret with an identity's API key, in the identity's namespace. */
function scalewayKeySecret(identity: Pick<Identity, 'name'>): string {
  return `${identity.name}-scw`;
}

/** What the principal that applies provider/ keeps on every bucket whose policy it writes. */
const BUCKET_ADMIN_ACTIONS = [
  's3:DeleteBucketPolicy',
  's3:GetBucketPolicy',
  's3:GetBucketVersioning',
  's3:GetEncryptionConfiguration',
  's3:ListBucket',
  's3:PutBucketPolicy',
  's3:PutBucketVersioning',
  's3:PutEncryptionConfiguration',
];

/** Identities that need a Scaleway credential: bucket grants and DNS records (metrics stay in-cluster). */
function credentialed(model: PlatformModel): Identity[] {
  return grantedIdentities(model).filter(
    (i) => bucketGrants(model, i).size > 0 || hasGrant(model, i, 'manageRecords'),
  );
}

function application(identity: Identity): string {
  return `\${scaleway_iam_application.${tfName(identity.name)}.id}`;
}

function bucketPolicies(tf: TerraformBuilder, model: PlatformModel, admin: string): void {
  for (const bucket of model.config.buckets) {
    const statements: Record<string, unknown>[] = [
      {
        Sid: 'terraform',
        Effect: 'Allow',
        Principal: { SCW: admin },
        Action: BUCKET_ADMIN_ACTIONS,
        Resource: [bucket.name],
      },
    ];
    for (const identity of credentialed(model)) {
      const actions = bucketGrants(model, identity).get(bucket.name);
      if (!actions) continue;
      const principal = { SCW: `application_id:${application(identity)}` };
      for (const part of s3ActionsByResource(actions))
        statements.push({
          Sid: `${identity.name}-${part.on}`,
          Effect: 'Allow',
          Principal: principal,
          Action: part.actions,
          Resource: [`${bucket.name}${part.suffix}`],
        });
    }
    tf.resource('scaleway_object_bucket_policy', tfName(bucket.name), {
      bucket: `\${scaleway_object_bucket.${tfName(bucket.name)}.name}`,
      policy: JSON.stringify({ Version: '2023-04-17', Id: bucket.name, Statement: statements }),
    });
  }
}

export const scalewayTarget: PlatformTarget = {
  backupIdentity: { namespace: VELERO_NAMESPACE, serviceAccount: VELERO_SERVICE_ACCOUNT },

  providers(model) {
    const f = facts(model);
    return {
      terraform: {
        required_providers: {
          scaleway: { source: 'scaleway/scaleway', version: '~> 2.0' },
          kubernetes: { source: 'hashicorp/kubernetes', version: '~> 2.30' },
        },
      },
      provider: {
        // Credentials come from SCW_ACCESS_KEY / SCW_SECRET_KEY and KUBE_CONFIG_PATH in the environment.
        scaleway: { region: f.region, project_id: f.projectId },
        kubernetes: {},
      },
    };
  },

  containerEnvironment(model) {
    const f = facts(model);
    return s3CompatibleEnvironment('scaleway', f.region, scalewayS3Endpoint(f.region));
  },

  dnsAndLoadBalancing({ model }) {
    const f = facts(model);
    const dnsIdentity = model.identities.find((i) => i.name === 'external-dns')!;
    const secret = scalewayKeySecret(dnsIdentity);
    return {
      objects: [
        ...envoyProxies(model.config, {
          annotations: { 'service.beta.kubernetes.io/scw-loadbalancer-type': f.loadBalancerType },
        }),
        ...externalDnsObjects(model, {
          provider: 'scaleway',
          args: [],
          env: [
            { name: 'SCW_ACCESS_KEY', valueFrom: { secretKeyRef: { name: secret, key: 'SCW_ACCESS_KEY' } } },
            { name: 'SCW_SECRET_KEY', valueFrom: { secretKeyRef: { name: secret, key: 'SCW_SECRET_KEY' } } },
          ],
        }),
      ],
      runbook: {
        install: [
          `${ENVOY_GATEWAY_INSTALL} The Kapsule cloud controller manager creates a Scaleway Load Balancer for the Envoy Service (offer from \`service.beta.kubernetes.io/scw-loadbalancer-type\`).`,
          `The zone \`${model.config.dns.zone}\` is managed in Scaleway Domains and DNS. external-dns is rendered here and reads the API key of its IAM application from Secret \`external-dns/${secret}\`, which provider/ writes.`,
        ],
        verify: [
          '`kubectl get gateway -n NAMESPACE` shows the Load Balancer address; `scw dns record list ZONE` shows the records.',
        ],
      },
    };
  },

  persistence({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets) {
      tf.resource('scaleway_object_bucket', tfName(b.name), {
        name: b.name,
        region: f.region,
        force_destroy: false,
        versioning: [{ enabled: b.versioning }],
      });
      tf.resource('scaleway_object_bucket_acl', tfName(b.name), {
        bucket: `\${scaleway_object_bucket.${tfName(b.name)}.name}`,
        acl: 'private',
      });
    }
    return {
      objects: storageClasses(model, {
        provisioner: 'csi.scaleway.com',
        encrypted: { 'csi.storage.k8s.io/fstype': 'ext4', encrypted: 'true', kmsKeyId: f.keyManagerKeyId },
        standard: { 'csi.storage.k8s.io/fstype': 'ext4' },
      }),
      runbook: {
        install: [
          'Scaleway Block Storage CSI driver (`csi.scaleway.com`, installed on every Kapsule cluster).',
        ],
        verify: [volumesVerify('`scw block volume list` shows the volumes.')],
      },
    };
  },

  encryption({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets.filter((x) => x.encrypted))
      tf.resource('scaleway_object_bucket_server_side_encryption_configuration', tfName(b.name), {
        bucket: `\${scaleway_object_bucket.${tfName(b.name)}.name}`,
        region: f.region,
        rule: [
          {
            apply_server_side_encryption_by_default: [
              { sse_algorithm: 'aws:kms', kms_master_key_id: f.keyManagerKeyId },
            ],
            bucket_key_enabled: true,
          },
        ],
      });
    return {
      objects: [],
      runbook: {
        install: [
          `Volumes: the CSI driver derives each volume's LUKS key from Key Manager key \`${f.keyManagerKeyId}\`; give the IAM application of the cluster's control plane a policy with \`KeyManagerKeyEncrypt\` on that key (scaleway-csi, "Scaleway Key Manager").`,
          'Kubernetes Secrets: Kapsule encrypts etcd at rest on the managed control plane.',
        ],
        verify: [
          '`aws s3api get-bucket-encryption --endpoint-url https://s3.REGION.scw.cloud --bucket BUCKET` shows `aws:kms` with the platform key.',
        ],
      },
    };
  },

  workloadAuthorization({ model, tf, workloads }) {
    const f = facts(model);
    const identities = credentialed(model);
    for (const identity of identities) {
      const r = tfName(identity.name);
      tf.resource('scaleway_iam_application', r, {
        name: `${model.config.name}-${identity.name}`,
        description: `datapipe ${model.config.name} ${identity.name}`,
      });
      tf.resource('scaleway_iam_api_key', r, {
        application_id: application(identity),
        default_project_id: f.projectId,
        description: `datapipe ${model.config.name} ${identity.name}`,
      });
      const key = `scaleway_iam_api_key.${r}`;
      const data: Record<string, string> = {
        SCW_ACCESS_KEY: `\${${key}.access_key}`,
        SCW_SECRET_KEY: `\${${key}.secret_key}`,
        AWS_ACCESS_KEY_ID: `\${${key}.access_key}`,
        AWS_SECRET_ACCESS_KEY: `\${${key}.secret_key}`,
      };
      // Velero's AWS plugin reads a credentials file (its chart's `credentials.existingSecret`).
      if (identity.name === CLUSTER_BACKUP_IDENTITY)
        data['cloud'] =
          `[default]\naws_access_key_id=\${${key}.access_key}\naws_secret_access_key=\${${key}.secret_key}\n`;
      const secret = scalewayKeySecret(identity);
      tf.resource('kubernetes_secret_v1', tfName(identity.namespace, secret), {
        metadata: [
          {
            name: secret,
            namespace: identity.namespace,
            labels: { 'app.kubernetes.io/managed-by': 'datapipe' },
          },
        ],
        data,
        type: 'Opaque',
      });
      if (hasGrant(model, identity, 'manageRecords'))
        tf.resource('scaleway_iam_policy', tfName(identity.name, 'dns'), {
          name: `${model.config.name}-${identity.name}-dns`,
          application_id: application(identity),
          rule: [{ project_ids: [f.projectId], permission_set_names: ['DomainsDNSFullAccess'] }],
        });
    }
    bucketPolicies(tf, model, f.terraformPrincipal);
    const names = new Set(identities.filter((i) => i.kind === 'workload').map((i) => i.name));
    const patches = keySecretPatches(model, workloads, names, (workload) => `${workload}-scw`);
    return {
      objects: identityObjects(model),
      patches,
      runbook: {
        install: [
          'Kapsule has no workload identity federation: each identity with a bucket or DNS grant gets its own IAM application and API key; `provider/` writes the key as Secret `IDENTITY-scw` and the pods read it through `envFrom` (see `bindings/patches/`). Each bucket policy (version 2023-04-17) allows exactly the granted actions to exactly those applications, plus bucket management to `targets.scaleway.terraformPrincipal`. Rotate a key by tainting its `scaleway_iam_api_key` and re-applying.',
          'DNS: the external-dns application gets the `DomainsDNSFullAccess` permission set on the project (Scaleway IAM does not scope it to one zone). Grafana reads the in-cluster Prometheus, so `readMetrics` needs no credential here; Scaleway Cockpit keeps the provider metrics.',
          grafanaInstall(' and the dashboard sidecar'),
        ],
        verify: [
          '`aws s3api get-bucket-policy --endpoint-url https://s3.REGION.scw.cloud --bucket BUCKET` names only the granted applications and actions; with another key, `aws s3 ls s3://BUCKET` is denied.',
        ],
      },
    };
  },

  clusterState({ model }) {
    const f = facts(model);
    return veleroClusterState(model, {
      cluster: 'Kapsule',
      // Velero's AWS plugin speaks to any S3-compatible store: here Scaleway Object Storage.
      provider: 'aws',
      locationConfig: { region: f.region, s3Url: scalewayS3Endpoint(f.region), s3ForcePathStyle: 'true' },
      credentialsSecret: scalewayKeySecret({ name: CLUSTER_BACKUP_IDENTITY }),
    });
  },

  network() {
    return networkPolicyEnforcement(
      'NetworkPolicy enforcement: create the Kapsule cluster with the Cilium CNI (`cni = "cilium"` on `scaleway_k8s_cluster`, the default); Calico also enforces, Kilo alone does not.',
    );
  },
};
