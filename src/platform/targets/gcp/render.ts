/**
 * GCP (GKE): a backend-service-based external passthrough NLB for the Envoy gateway, external-dns on
 * Cloud DNS, PD CSI volumes with a Cloud KMS key (CMEK), GCS buckets with a default CMEK key, GKE
 * Workload Identity with custom roles listing each permission, Velero to GCS, Dataplane V2.
 */
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
import type { GrantAction } from '../../schema.ts';
import { type TerraformBuilder, tfName, tfRef } from '../../terraform.ts';
import { networkPolicyEnforcement, veleroClusterState } from '../category-bindings.ts';
import { grafanaDatasource, grafanaInstall } from '../grafana-datasource.ts';
import { factsOf, type PlatformTarget } from '../target.ts';
import type { GcpFacts } from './facts.ts';

const facts = (model: PlatformModel) => factsOf<GcpFacts>(model, 'gcp');

const GCS_PERMISSIONS: Partial<Record<GrantAction, readonly string[]>> = {
  read: ['storage.objects.get'],
  // Overwriting an object (a replayed batch) needs delete as well as create.
  write: [
    'storage.multipartUploads.abort',
    'storage.multipartUploads.create',
    'storage.objects.create',
    'storage.objects.delete',
  ],
  list: ['storage.objects.list'],
};
const DNS_ZONE_PERMISSIONS = [
  'dns.changes.create',
  'dns.changes.get',
  'dns.managedZones.get',
  'dns.resourceRecordSets.create',
  'dns.resourceRecordSets.delete',
  'dns.resourceRecordSets.list',
  'dns.resourceRecordSets.update',
];
/** Listing zones is a project-level permission; external-dns needs it to find the zone. */
const DNS_PROJECT_PERMISSIONS = ['dns.managedZones.list'];
const METRICS_PERMISSIONS = [
  'monitoring.metricDescriptors.get',
  'monitoring.metricDescriptors.list',
  'monitoring.monitoredResourceDescriptors.list',
  'monitoring.timeSeries.list',
];

/** A GCP service account id: 6-30 characters. */
function gcpAccountId(model: PlatformModel, identity: Identity): string {
  const id = `${model.config.name}-${identity.name}`.slice(0, 30).replace(/-+$/, '');
  return id.length >= 6 ? id : id.padEnd(6, '0');
}

function email(model: PlatformModel, identity: Identity): string {
  return `${gcpAccountId(model, identity)}@${facts(model).projectId}.iam.gserviceaccount.com`;
}

function backupServiceAccount(model: PlatformModel): { serviceAccount?: string } {
  const identity = model.identities.find((i) => i.name === CLUSTER_BACKUP_IDENTITY);
  return identity ? { serviceAccount: email(model, identity) } : {};
}

function customRole(
  tf: TerraformBuilder,
  model: PlatformModel,
  id: string,
  permissions: readonly string[],
): string {
  const r = tfName('role', id);
  tf.resource('google_project_iam_custom_role', r, {
    role_id: tfName(model.config.name, id).slice(0, 64),
    title: `datapipe ${model.config.name} ${id}`,
    permissions: [...permissions].sort(),
  });
  return `\${google_project_iam_custom_role.${r}.id}`;
}

export const gcpTarget: PlatformTarget = {
  backupIdentity: { namespace: VELERO_NAMESPACE, serviceAccount: VELERO_SERVICE_ACCOUNT },

  providers(model) {
    const f = facts(model);
    return {
      terraform: { required_providers: { google: { source: 'hashicorp/google', version: '~> 7.0' } } },
      provider: { google: { project: f.projectId, region: f.region } },
    };
  },

  containerEnvironment(model) {
    return { DATAPIPE_TARGET: 'gcp', GOOGLE_CLOUD_PROJECT: facts(model).projectId };
  },

  dnsAndLoadBalancing({ model, tf }) {
    const f = facts(model);
    tf.data('google_dns_managed_zone', 'platform', { name: f.dnsManagedZone });
    return {
      objects: [
        ...envoyProxies(model.config, { annotations: { 'cloud.google.com/l4-rbs': 'enabled' } }),
        ...externalDnsObjects(model, {
          provider: 'google',
          args: [`--google-project=${f.projectId}`, '--google-zone-visibility=public'],
        }),
      ],
      runbook: {
        install: [
          `${ENVOY_GATEWAY_INSTALL} GKE builds a backend-service-based external passthrough NLB for the Envoy Service (\`cloud.google.com/l4-rbs\`); the cluster needs the HttpLoadBalancing add-on (on by default).`,
          'external-dns is rendered here; it authenticates as its Google service account through GKE Workload Identity.',
        ],
        verify: [
          '`kubectl get gateway -n NAMESPACE` shows the external IP; `gcloud dns record-sets list --zone ZONE` shows the records.',
        ],
      },
    };
  },

  persistence({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets) {
      tf.resource('google_storage_bucket', tfName(b.name), {
        name: b.name,
        location: f.region,
        uniform_bucket_level_access: true,
        public_access_prevention: 'enforced',
        force_destroy: false,
        versioning: [{ enabled: b.versioning }],
        // Old versions would otherwise be kept (and paid for) forever.
        ...(b.versioning
          ? {
              lifecycle_rule: [
                {
                  action: [{ type: 'Delete' }],
                  condition: [
                    { days_since_noncurrent_time: b.noncurrentVersionDays, with_state: 'ARCHIVED' },
                  ],
                },
              ],
            }
          : {}),
        ...(b.encrypted
          ? {
              encryption: [{ default_kms_key_name: f.kmsKeyId }],
              depends_on: ['google_kms_crypto_key_iam_member.gcs_service_agent'],
            }
          : {}),
      });
    }
    return {
      objects: storageClasses(model, {
        provisioner: 'pd.csi.storage.gke.io',
        encrypted: { type: 'pd-balanced', 'disk-encryption-kms-key': f.kmsKeyId },
        standard: { type: 'pd-balanced' },
      }),
      runbook: {
        install: ['Compute Engine persistent disk CSI driver (on by default in GKE).'],
        verify: [volumesVerify('`gcloud compute disks describe` shows `diskEncryptionKey.kmsKeyName`.')],
      },
    };
  },

  encryption({ model, tf }) {
    const f = facts(model);
    tf.data('google_project', 'platform', { project_id: f.projectId });
    tf.data('google_storage_project_service_account', 'gcs', { project: f.projectId });
    if (model.config.buckets.some((b) => b.encrypted))
      tf.resource('google_kms_crypto_key_iam_member', 'gcs_service_agent', {
        crypto_key_id: f.kmsKeyId,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: `serviceAccount:${tfRef('data.google_storage_project_service_account.gcs.email_address')}`,
      });
    if (model.config.volumes.some((v) => v.encrypted))
      tf.resource('google_kms_crypto_key_iam_member', 'compute_service_agent', {
        crypto_key_id: f.kmsKeyId,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: `serviceAccount:service-${tfRef('data.google_project.platform.number')}@compute-system.iam.gserviceaccount.com`,
      });
    return {
      objects: [],
      runbook: {
        install: [
          `The Cloud KMS key \`${f.kmsKeyId}\` is in the same location as the buckets and disks.`,
          'Kubernetes Secrets encryption at rest: GKE application-layer secrets encryption (`--database-encryption-key`).',
        ],
        verify: [
          '`gcloud storage buckets describe gs://BUCKET --format="value(default_kms_key)"` shows the platform key.',
        ],
      },
    };
  },

  workloadAuthorization({ model, tf }) {
    const f = facts(model);
    const granted = grantedIdentities(model);
    for (const identity of granted) {
      const r = tfName(identity.name);
      tf.resource('google_service_account', r, {
        account_id: gcpAccountId(model, identity),
        display_name: `datapipe ${model.config.name} ${identity.name}`,
      });
      tf.resource('google_service_account_iam_member', tfName(identity.name, 'workload_identity'), {
        service_account_id: `\${google_service_account.${r}.name}`,
        role: 'roles/iam.workloadIdentityUser',
        member: `serviceAccount:${f.projectId}.svc.id.goog[${identity.namespace}/${identity.serviceAccount}]`,
      });
      const member = `serviceAccount:\${google_service_account.${r}.email}`;
      for (const [bucket, actions] of bucketGrants(model, identity)) {
        const perms = [...new Set(actions.flatMap((a) => GCS_PERMISSIONS[a] ?? []))];
        tf.resource('google_storage_bucket_iam_member', tfName(identity.name, bucket), {
          bucket: `\${google_storage_bucket.${tfName(bucket)}.name}`,
          role: customRole(tf, model, `${identity.name}-${bucket}`, perms),
          member,
        });
      }
      if (hasGrant(model, identity, 'manageRecords')) {
        tf.resource('google_dns_managed_zone_iam_member', tfName(identity.name, 'dns'), {
          managed_zone: tfRef('data.google_dns_managed_zone.platform.name'),
          role: customRole(tf, model, `${identity.name}-dns-records`, DNS_ZONE_PERMISSIONS),
          member,
        });
        tf.resource('google_project_iam_member', tfName(identity.name, 'dns_zones'), {
          project: f.projectId,
          role: customRole(tf, model, `${identity.name}-dns-zones`, DNS_PROJECT_PERMISSIONS),
          member,
        });
      }
      if (hasGrant(model, identity, 'readMetrics'))
        tf.resource('google_project_iam_member', tfName(identity.name, 'metrics'), {
          project: f.projectId,
          role: customRole(tf, model, `${identity.name}-metrics`, METRICS_PERMISSIONS),
          member,
        });
    }
    return {
      objects: [
        ...identityObjects(model, (i) => ({ 'iam.gke.io/gcp-service-account': email(model, i) })),
        ...grafanaDatasource(model, {
          name: 'Google Cloud Monitoring',
          type: 'stackdriver',
          jsonData: { authenticationType: 'gce', defaultProject: f.projectId },
        }),
      ],
      runbook: {
        install: [
          `GKE Workload Identity Federation: cluster with \`--workload-pool=${f.projectId}.svc.id.goog\`, node pools with \`--workload-metadata=GKE_METADATA\`.`,
          grafanaInstall(' and the dashboard and datasource sidecars'),
        ],
        verify: [
          '`gcloud iam service-accounts get-iam-policy SA_EMAIL` grants `roles/iam.workloadIdentityUser` to exactly `PROJECT.svc.id.goog[NAMESPACE/SERVICEACCOUNT]`.',
          '`gcloud storage buckets get-iam-policy gs://BUCKET` lists only the custom roles.',
        ],
      },
    };
  },

  clusterState({ model }) {
    return veleroClusterState(model, {
      cluster: 'GKE',
      provider: 'gcp',
      locationConfig: {
        kmsKeyName: facts(model).kmsKeyId,
        // With Workload Identity the plugin needs the Google service account named in the location
        // (velero-plugin-for-gcp README, "If using Workload Identity").
        ...backupServiceAccount(model),
      },
    });
  },

  network() {
    return networkPolicyEnforcement(
      'NetworkPolicy enforcement: GKE Dataplane V2 (`--enable-dataplane-v2`, default on Autopilot) or `--enable-network-policy` (Calico) on Standard clusters.',
    );
  },
};
