/**
 * Bare metal: MetalLB hands the Envoy gateway an address from the pool, external-dns updates the
 * zone over RFC2136 with a TSIG key, Longhorn (or Ceph RBD) volumes encrypted with dm-crypt, an
 * S3-compatible server (MinIO) with SSE-KMS buckets and one scoped user per identity whose keys reach
 * the pods as Secrets, an encrypted etcd snapshot CronJob, and a CNI that enforces NetworkPolicy.
 */

import { ENVOY_GATEWAY_INSTALL, envoyProxy, usesGateway } from '../../k8s/entry.ts';
import {
  ETCD_BACKUP_NAMESPACE,
  ETCD_BACKUP_ROOT_REASON,
  ETCD_BACKUP_S3_SECRET,
  ETCD_BACKUP_SERVICE_ACCOUNT,
  etcdBackupFiles,
  etcdBackupObjects,
} from '../../k8s/etcd-backup.ts';
import { externalDnsObjects } from '../../k8s/external-dns.ts';
import { identityObjects } from '../../k8s/identity.ts';
import { type K8sObject, recommendedLabels } from '../../k8s/object.ts';
import { storageClasses, volumesVerify } from '../../k8s/storage-class.ts';
import {
  bucketGrants,
  CLUSTER_BACKUP_IDENTITY,
  grantedIdentities,
  type Identity,
  type PlatformModel,
} from '../../model.ts';
import type { GrantAction } from '../../schema.ts';
import { tfName, tfRef } from '../../terraform.ts';
import { s3ActionsByResource } from '../aws-iam.ts';
import { networkPolicyEnforcement, s3CompatibleEnvironment } from '../category-bindings.ts';
import { grafanaInstall } from '../grafana-datasource.ts';
import { keySecretPatches, kubernetesSecret } from '../key-secrets.ts';
import { factsOf, type PlatformTarget } from '../target.ts';
import type { BaremetalFacts } from './facts.ts';

const facts = (model: PlatformModel) => factsOf<BaremetalFacts>(model, 'baremetal');
const METALLB_NAMESPACE = 'metallb-system';
const LONGHORN_NAMESPACE = 'longhorn-system';
const CEPH_NAMESPACE = 'ceph-csi-rbd';

/** The CA bundle of a private S3 server, which the bound pipelines mount (baremetal/index.ts). */
function caBundleToCreate(model: PlatformModel, ca: NonNullable<BaremetalFacts['s3']['caBundle']>): string {
  const [kind, name] = 'configMap' in ca ? ['ConfigMap', ca.configMap] : ['Secret', ca.secret];
  return `${kind} \`${name}\` in \`${model.config.namespace}\` with key \`${ca.key}\`: the PEM CA that signed the S3 server's certificate (mounted by the pipelines bound to its buckets): \`kubectl create ${kind === 'ConfigMap' ? 'configmap' : 'secret generic'} ${name} -n ${model.config.namespace} --from-file=${ca.key}=ca.crt\`.`;
}

/** The Secret with an identity's S3 keys, in the identity's namespace, as environment variable names. */
function s3CredentialsSecret(identity: Identity): string {
  return identity.name === CLUSTER_BACKUP_IDENTITY ? ETCD_BACKUP_S3_SECRET : `${identity.name}-s3`;
}

function volumeEncryptionSecret(model: PlatformModel): string {
  return `${model.config.name}-volume-encryption`;
}

function s3Policy(grants: Map<string, GrantAction[]>): string {
  const statements: Record<string, unknown>[] = [];
  for (const [bucket, actions] of grants) {
    for (const part of s3ActionsByResource(actions))
      statements.push({
        Effect: 'Allow',
        Action: part.actions,
        Resource: [`arn:aws:s3:::${bucket}${part.suffix}`],
      });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const baremetalTarget: PlatformTarget = {
  backupIdentity: { namespace: ETCD_BACKUP_NAMESPACE, serviceAccount: ETCD_BACKUP_SERVICE_ACCOUNT },

  providers(model) {
    const f = facts(model);
    return {
      terraform: {
        required_providers: {
          minio: { source: 'aminueza/minio', version: '~> 3.0' },
          kubernetes: { source: 'hashicorp/kubernetes', version: '~> 2.30' },
          random: { source: 'hashicorp/random', version: '~> 3.6' },
        },
      },
      provider: {
        // Credentials come from MINIO_USER / MINIO_PASSWORD and KUBE_CONFIG_PATH in the environment.
        minio: {
          minio_server: f.s3.endpoint.replace(/^https?:\/\//, ''),
          minio_region: f.s3.region,
          minio_ssl: f.s3.endpoint.startsWith('https://'),
        },
        kubernetes: {},
      },
    };
  },

  containerEnvironment(model) {
    const f = facts(model);
    return s3CompatibleEnvironment('baremetal', f.s3.region, f.s3.endpoint);
  },

  dnsAndLoadBalancing({ model }) {
    const f = facts(model);
    const name = model.config.name;
    const labels = recommendedLabels({
      name: 'metallb',
      instance: name,
      component: 'load-balancer',
      partOf: name,
    });
    const objects: K8sObject[] = [];
    if (usesGateway(model.config)) {
      objects.push(
        {
          apiVersion: 'metallb.io/v1beta1',
          kind: 'IPAddressPool',
          metadata: { name, namespace: METALLB_NAMESPACE, labels },
          spec: { addresses: f.ipPool, autoAssign: false },
        },
        {
          apiVersion: 'metallb.io/v1beta1',
          kind: 'L2Advertisement',
          metadata: { name, namespace: METALLB_NAMESPACE, labels },
          spec: { ipAddressPools: [name] },
        },
        envoyProxy(model.config, { annotations: { 'metallb.io/address-pool': name } }),
      );
    }
    objects.push(
      ...externalDnsObjects(model, {
        provider: 'rfc2136',
        args: [
          `--rfc2136-host=${f.dns.server}`,
          `--rfc2136-port=${f.dns.port}`,
          `--rfc2136-zone=${model.config.dns.zone}`,
          `--rfc2136-tsig-keyname=${f.dns.tsigKeyName}`,
          `--rfc2136-tsig-secret-alg=${f.dns.tsigAlgorithm}`,
          '--rfc2136-tsig-axfr',
        ],
        env: [
          {
            name: 'EXTERNAL_DNS_RFC2136_TSIG_SECRET',
            valueFrom: { secretKeyRef: { name: f.dns.tsigSecret.name, key: f.dns.tsigSecret.key } },
          },
        ],
      }),
    );
    return {
      objects,
      runbook: {
        install: [
          'MetalLB (Helm chart `metallb/metallb`) in namespace `metallb-system`; the rendered IPAddressPool is not auto-assigned, only the gateway asks for it.',
          ENVOY_GATEWAY_INSTALL,
          `A TSIG key for \`${f.dns.tsigKeyName}\` allowed to update and transfer (AXFR) the zone \`${model.config.dns.zone}\` on \`${f.dns.server}\` (BIND: \`update-policy { grant ${f.dns.tsigKeyName} zonesub ANY; };\`); its secret goes into the Secret \`${f.dns.tsigSecret.name}\` (see "Secrets you create").`,
        ],
        secrets: [
          `\`${f.dns.tsigSecret.name}\` in \`external-dns\` with key \`${f.dns.tsigSecret.key}\` (the TSIG secret of \`${f.dns.tsigKeyName}\`, from your DNS server's key file): \`kubectl create secret generic ${f.dns.tsigSecret.name} -n external-dns --from-literal=${f.dns.tsigSecret.key}=...\`.`,
        ],
        verify: [
          '`kubectl get svc -n envoy-gateway-system` shows the Envoy Service with an address from the pool.',
          `\`dig @${f.dns.server} HOST\` answers with that address.`,
        ],
      },
    };
  },

  persistence({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets) {
      const r = tfName(b.name);
      tf.resource('minio_s3_bucket', r, { bucket: b.name, acl: 'private', force_destroy: false });
      tf.resource('minio_s3_bucket_versioning', r, {
        bucket: `\${minio_s3_bucket.${r}.bucket}`,
        versioning_configuration: [{ status: b.versioning ? 'Enabled' : 'Suspended' }],
      });
    }
    const secret = volumeEncryptionSecret(model);
    const spec =
      f.storage.system === 'longhorn'
        ? {
            provisioner: 'driver.longhorn.io',
            standard: {
              numberOfReplicas: String(f.storage.replicas),
              staleReplicaTimeout: '30',
              fsType: 'ext4',
            },
            encrypted: {
              numberOfReplicas: String(f.storage.replicas),
              staleReplicaTimeout: '30',
              fsType: 'ext4',
              encrypted: 'true',
              ...csiSecretParameters(secret, LONGHORN_NAMESPACE),
            },
          }
        : {
            provisioner: 'rbd.csi.ceph.com',
            standard: cephParameters(f),
            encrypted: {
              ...cephParameters(f),
              encrypted: 'true',
              encryptionKMSID: `${model.config.name}-secrets-metadata`,
            },
          };
    return {
      objects: storageClasses(model, spec),
      runbook: {
        install: [
          f.storage.system === 'longhorn'
            ? 'Longhorn (Helm chart `longhorn/longhorn`) in namespace `longhorn-system`; every node has `dm_crypt` loaded and `cryptsetup` installed (encrypted volumes).'
            : `Ceph CSI RBD (Helm chart \`ceph-csi/ceph-csi-rbd\`) in namespace \`${CEPH_NAMESPACE}\` with the Ceph user Secret \`csi-rbd-secret\`, and a KMS entry \`${model.config.name}-secrets-metadata\` of type \`secrets-metadata\` that reads the passphrase from Secret \`${secret}\`.`,
          `An S3-compatible server (MinIO) at \`${f.s3.endpoint}\` with a KMS (MinIO KES) holding the key \`${f.s3.kmsKeyId}\`.`,
          // The MinIO Terraform provider's lifecycle resource is not pinned down here (no provider to validate against); mc is MinIO's documented tool.
          ...model.config.buckets
            .filter((b) => b.versioning)
            .map(
              (b) =>
                `Old versions of \`${b.name}\` expire after ${b.noncurrentVersionDays} days (once \`provider/\` created the bucket): \`mc ilm rule add --noncurrent-expire-days ${b.noncurrentVersionDays} ALIAS/${b.name}\`.`,
            ),
        ],
        verify: [volumesVerify('on the node, `lsblk` shows the volume as a `crypt` device.')],
      },
    };
  },

  encryption({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets.filter((x) => x.encrypted)) {
      tf.resource('minio_s3_bucket_server_side_encryption', tfName(b.name), {
        bucket: `\${minio_s3_bucket.${tfName(b.name)}.bucket}`,
        encryption_type: 'aws:kms',
        kms_key_id: f.s3.kmsKeyId,
      });
    }
    if (model.config.volumes.some((v) => v.encrypted)) {
      tf.resource('random_password', 'volume_encryption', { length: 64, special: false });
      const ns = f.storage.system === 'longhorn' ? LONGHORN_NAMESPACE : CEPH_NAMESPACE;
      const data: Record<string, string> =
        f.storage.system === 'longhorn'
          ? {
              CRYPTO_KEY_VALUE: tfRef('random_password.volume_encryption.result'),
              CRYPTO_KEY_PROVIDER: 'secret',
              CRYPTO_KEY_CIPHER: 'aes-xts-plain64',
              CRYPTO_KEY_HASH: 'sha256',
              CRYPTO_KEY_SIZE: '256',
              CRYPTO_PBKDF: 'argon2i',
            }
          : { encryptionPassphrase: tfRef('random_password.volume_encryption.result') };
      kubernetesSecret(tf, volumeEncryptionSecret(model), ns, data);
    }
    if (model.config.backup) {
      tf.resource('random_password', 'etcd_backup', { length: 64, special: false });
      kubernetesSecret(tf, model.config.backup.encryptionSecret, ETCD_BACKUP_NAMESPACE, {
        passphrase: tfRef('random_password.etcd_backup.result'),
      });
      tf.output(
        'etcd_backup_passphrase',
        tfRef('random_password.etcd_backup.result'),
        'Keep a copy OUTSIDE the cluster: a restore needs it when the cluster is gone.',
      );
      tf.doc.output!['etcd_backup_passphrase']!['sensitive'] = true;
    }
    return {
      objects: [],
      runbook: {
        install: [
          'The volume and backup keys are generated by `provider/` (random_password) and written as Secrets by the Terraform kubernetes provider: no key is in these files. Terraform state then holds them: keep it in an encrypted backend.',
          'Kubernetes Secrets encryption at rest: kube-apiserver `--encryption-provider-config` with an `aescbc`/`secretbox` or KMS v2 provider.',
        ],
        verify: ['`mc encrypt info ALIAS/BUCKET` shows SSE-KMS with the platform key.'],
      },
    };
  },

  workloadAuthorization({ model, tf, workloads }) {
    const withBuckets = grantedIdentities(model).filter((i) => bucketGrants(model, i).size > 0);
    for (const identity of withBuckets) {
      const r = tfName(identity.name);
      tf.resource('minio_iam_user', r, {
        name: `${model.config.name}-${identity.name}`,
        force_destroy: false,
      });
      tf.resource('minio_iam_policy', r, {
        name: `${model.config.name}-${identity.name}`,
        policy: s3Policy(bucketGrants(model, identity)),
      });
      tf.resource('minio_iam_user_policy_attachment', r, {
        user_name: `\${minio_iam_user.${r}.id}`,
        policy_name: `\${minio_iam_policy.${r}.id}`,
      });
      kubernetesSecret(tf, s3CredentialsSecret(identity), identity.namespace, {
        AWS_ACCESS_KEY_ID: `\${minio_iam_user.${r}.id}`,
        AWS_SECRET_ACCESS_KEY: `\${minio_iam_user.${r}.secret}`,
      });
      if (identity.name === CLUSTER_BACKUP_IDENTITY) {
        // The restore runs when the cluster (and so the etcd-backup-s3 Secret) is gone.
        tf.output(
          'etcd_backup_access_key_id',
          `\${minio_iam_user.${r}.id}`,
          'S3 access key of the etcd backup (restore)',
        );
        tf.output(
          'etcd_backup_secret_access_key',
          `\${minio_iam_user.${r}.secret}`,
          'S3 secret key of the etcd backup (restore)',
        );
        tf.doc.output!['etcd_backup_secret_access_key']!['sensitive'] = true;
      }
    }
    const names = new Set(withBuckets.map((i) => i.name));
    const patches = keySecretPatches(model, workloads, names, (workload) => `${workload}-s3`);
    return {
      objects: identityObjects(model),
      patches,
      runbook: {
        install: [
          '`provider/` needs credentials in its environment: `MINIO_USER` and `MINIO_PASSWORD` of an admin of the S3 server (from your MinIO root user or an admin user you created), and `KUBE_CONFIG_PATH` for the `kubernetes` provider (a cluster-admin kubeconfig, e.g. `/etc/kubernetes/admin.conf` from a control-plane node), which writes the Secrets below.',
          'Bare metal has no workload identity federation: each identity with bucket grants gets its own S3 user whose policy names only its buckets and actions; `provider/` writes its keys as Secret `IDENTITY-s3` and the pods read them through `envFrom` (see `bindings/patches/`). Rotate by tainting `minio_iam_user` and re-applying.',
          'DNS updates are authorized by the TSIG key (scoped on the DNS server by `update-policy`); Grafana reads the in-cluster Prometheus, so `readMetrics` needs no credential here.',
          grafanaInstall(' and the dashboard sidecar'),
        ],
        verify: [
          '`mc admin policy info ALIAS PLATFORM-IDENTITY` shows only the granted buckets and actions.',
        ],
        ...(facts(model).s3.caBundle
          ? { secrets: [caBundleToCreate(model, facts(model).s3.caBundle!)] }
          : {}),
      },
    };
  },

  clusterState({ model }) {
    const f = facts(model);
    const backup = model.config.backup;
    return {
      objects: etcdBackupObjects(model, f),
      ...(backup ? { files: etcdBackupFiles() } : {}),
      runbook: {
        install: backup
          ? [
              `Build and push the backup image from \`scripts/etcd-backup/Dockerfile\` of this output as \`${backup.image}\` (bash, etcdctl/etcdutl, openssl, AWS CLI): \`docker build -t ${backup.image} scripts/etcd-backup\`.`,
              `The CronJob \`${model.config.name}-etcd-backup\` in \`kube-system\` runs on a control-plane node with host networking and reads the etcd client certificate from \`${f.etcd.pkiDir}\`. It is the one pod that runs as root: it ${ETCD_BACKUP_ROOT_REASON}; it still drops every capability and has a read-only root filesystem. \`kube-system\` must allow it (Pod Security \`privileged\`, the kubeadm default).`,
              restoreProcedure(model, f),
            ]
          : ['No `backup` block: etcd is not backed up. Add one.'],
        verify: backup
          ? [
              `\`kubectl create job -n kube-system --from=cronjob/${model.config.name}-etcd-backup etcd-backup-now\` then \`kubectl logs -n kube-system job/etcd-backup-now\` ends with \`uploaded s3://${backup.bucket}/...\`.`,
              'Restore drill: run the restore procedure on a scratch machine and `etcdctl get /registry/namespaces --prefix --keys-only` lists the namespaces.',
            ]
          : [],
      },
    };
  },

  network() {
    return networkPolicyEnforcement(
      'NetworkPolicy enforcement: install Cilium or Calico as the CNI (or Canal = flannel + Calico policy). flannel alone routes pod traffic but does not enforce NetworkPolicy: the rendered policies would be accepted and ignored.',
    );
  },
};

function csiSecretParameters(name: string, namespace: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const op of ['provisioner', 'node-publish', 'node-stage', 'node-expand']) {
    out[`csi.storage.k8s.io/${op}-secret-name`] = name;
    out[`csi.storage.k8s.io/${op}-secret-namespace`] = namespace;
  }
  return out;
}

function cephParameters(f: BaremetalFacts): Record<string, string> {
  if (f.storage.system !== 'ceph-rbd') return {};
  return {
    clusterID: f.storage.clusterId,
    pool: f.storage.pool,
    imageFeatures: 'layering',
    'csi.storage.k8s.io/fstype': 'ext4',
    ...Object.fromEntries(
      ['provisioner', 'controller-expand', 'node-stage'].flatMap((op) => [
        [`csi.storage.k8s.io/${op}-secret-name`, 'csi-rbd-secret'],
        [`csi.storage.k8s.io/${op}-secret-namespace`, CEPH_NAMESPACE],
      ]),
    ),
  };
}

function restoreProcedure(model: PlatformModel, f: BaremetalFacts): string {
  const b = model.config.backup!;
  return [
    '**Restore procedure** (tested by `test/integration/etcd-backup.test.ts`):',
    '',
    '1. On a machine with the backup image tools (or in the image), from the Terraform state of `provider/`: `export AWS_ACCESS_KEY_ID=$(tofu -chdir=provider output -raw etcd_backup_access_key_id) AWS_SECRET_ACCESS_KEY=$(tofu -chdir=provider output -raw etcd_backup_secret_access_key)` and `tofu -chdir=provider output -raw etcd_backup_passphrase > passphrase`.',
    `2. \`BACKUP_BUCKET=${b.bucket} BACKUP_PREFIX=${model.config.name}/etcd S3_ENDPOINT=${f.s3.endpoint} BACKUP_PASSPHRASE_FILE=passphrase RESTORE_DATA_DIR=/var/lib/etcd-restored RESTORE_NAME=$(hostname) RESTORE_PEER_URL=https://NODE_IP:2380 bash scripts/etcd-backup/etcd-backup.sh restore [KEY]\` (the script is in this output) downloads the newest (or the given) snapshot, checks its SHA-256, decrypts it and runs \`etcdutl snapshot restore\` into a new data directory.`,
    '3. Stop the kube-apiserver and etcd static pods (move their manifests out of `/etc/kubernetes/manifests`), point etcd at the restored data directory (`--data-dir` and the `hostPath` in `etcd.yaml`), move the manifests back. With several control-plane nodes, restore on each with its own `--name`/peer URL and the same `--initial-cluster`.',
    '4. `kubectl get nodes` and `kubectl get pods -A` answer; restart kubelets if pods look stale.',
  ].join('\n');
}
