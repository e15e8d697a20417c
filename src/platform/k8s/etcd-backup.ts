/**
 * Cluster state on bare metal: we run etcd, so we back it up. A CronJob on a control-plane node runs
 * scripts/etcd-backup/etcd-backup.sh (shipped in a ConfigMap): `etcdctl snapshot save` → encrypt with
 * openssl (AES-256-CBC, PBKDF2) → upload to the S3 server → delete snapshots past retention.
 */

import { readFileSync } from 'node:fs';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import { HEADER } from '../layout.ts';
import type { PlatformModel } from '../model.ts';
import type { BaremetalFacts } from '../targets/baremetal/facts.ts';
import { type K8sObject, recommendedLabels, typed } from './object.ts';
import { ephemeralStorage } from './pod-security.ts';

export const ETCD_BACKUP_NAMESPACE = 'kube-system';
export const ETCD_BACKUP_SERVICE_ACCOUNT = 'etcd-backup';
/** Secret with the S3 server credentials of the backup identity (written by provider/ Terraform). */
export const ETCD_BACKUP_S3_SECRET = 'etcd-backup-s3';

/**
 * The one pod that runs as root: kubeadm writes the etcd client keys 0600 root:root on the host. It
 * still drops every capability, cannot escalate, and has a read-only root filesystem.
 */
export const ETCD_BACKUP_ROOT_REASON =
  'reads the etcd client key, which is 0600 root:root on the control-plane host';

function etcdBackupScript(): string {
  return readFileSync(new URL('../../../scripts/etcd-backup/etcd-backup.sh', import.meta.url), 'utf8');
}

/**
 * The backup script and its image's Dockerfile, shipped in the output (`scripts/etcd-backup/`): the
 * restore runs the script by hand when the cluster is gone, and the image is built from these files.
 * The marker goes on the second line (the first is the shebang or the Dockerfile's parser directive).
 */
export function etcdBackupFiles(): Record<string, string> {
  const withMarker = (text: string) => {
    const [first, ...rest] = text.split('\n');
    return [first, `${HEADER} (copied from datapipe's scripts/etcd-backup/)`, ...rest].join('\n');
  };
  const dockerfile = readFileSync(
    new URL('../../../scripts/etcd-backup/Dockerfile', import.meta.url),
    'utf8',
  );
  return {
    'scripts/etcd-backup/etcd-backup.sh': withMarker(etcdBackupScript()),
    'scripts/etcd-backup/Dockerfile': withMarker(dockerfile),
  };
}

export function etcdBackupObjects(model: PlatformModel, facts: BaremetalFacts): K8sObject[] {
  const backup = model.config.backup;
  if (!backup) return [];
  const name = `${model.config.name}-etcd-backup`;
  const labels = recommendedLabels({
    name: 'etcd-backup',
    instance: name,
    component: 'backup',
    partOf: model.config.name,
  });
  const meta = { name, namespace: ETCD_BACKUP_NAMESPACE, labels };
  const workVolume = { name: 'work', emptyDir: { sizeLimit: '8Gi' } };
  const storage = ephemeralStorage([workVolume]);
  const pki = '/etc/etcd-pki';
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { 'etcd-backup.sh': etcdBackupScript() } },
    typed<ICronJob>({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { ...meta, annotations: { 'datapipe.dev/runs-as-root': ETCD_BACKUP_ROOT_REASON } },
      spec: {
        schedule: backup.schedule,
        // A run missed by more than an hour (controller down) is skipped rather than started late.
        startingDeadlineSeconds: 3600,
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 1800,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: ETCD_BACKUP_SERVICE_ACCOUNT,
                automountServiceAccountToken: false,
                restartPolicy: 'OnFailure',
                // etcd listens on the host's loopback.
                hostNetwork: true,
                nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
                tolerations: [
                  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
                ],
                securityContext: {
                  runAsUser: 0,
                  runAsGroup: 0,
                  runAsNonRoot: false,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                containers: [
                  {
                    name: 'etcd-backup',
                    image: backup.image,
                    imagePullPolicy: 'Always',
                    command: ['/bin/bash', '/opt/etcd-backup/etcd-backup.sh', 'backup'],
                    env: [
                      { name: 'ETCDCTL_API', value: '3' },
                      { name: 'ETCDCTL_ENDPOINTS', value: facts.etcd.endpoints },
                      { name: 'ETCDCTL_CACERT', value: `${pki}/ca.crt` },
                      { name: 'ETCDCTL_CERT', value: `${pki}/healthcheck-client.crt` },
                      { name: 'ETCDCTL_KEY', value: `${pki}/healthcheck-client.key` },
                      { name: 'BACKUP_BUCKET', value: backup.bucket },
                      { name: 'BACKUP_PREFIX', value: `${model.config.name}/etcd` },
                      { name: 'BACKUP_RETENTION_DAYS', value: String(backup.retentionDays) },
                      { name: 'BACKUP_PASSPHRASE_FILE', value: '/etc/etcd-backup-key/passphrase' },
                      { name: 'S3_ENDPOINT', value: facts.s3.endpoint },
                      { name: 'AWS_DEFAULT_REGION', value: facts.s3.region },
                      {
                        name: 'AWS_ACCESS_KEY_ID',
                        valueFrom: {
                          secretKeyRef: { name: ETCD_BACKUP_S3_SECRET, key: 'AWS_ACCESS_KEY_ID' },
                        },
                      },
                      {
                        name: 'AWS_SECRET_ACCESS_KEY',
                        valueFrom: {
                          secretKeyRef: { name: ETCD_BACKUP_S3_SECRET, key: 'AWS_SECRET_ACCESS_KEY' },
                        },
                      },
                      { name: 'HOME', value: '/tmp' },
                      { name: 'TMPDIR', value: '/tmp' },
                    ],
                    resources: {
                      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': storage.request },
                      limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': storage.limit },
                    },
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ['ALL'] },
                      seccompProfile: { type: 'RuntimeDefault' },
                    },
                    volumeMounts: [
                      { name: 'etcd-pki', mountPath: pki, readOnly: true },
                      { name: 'script', mountPath: '/opt/etcd-backup', readOnly: true },
                      { name: 'encryption-key', mountPath: '/etc/etcd-backup-key', readOnly: true },
                      { name: 'work', mountPath: '/tmp' },
                    ],
                  },
                ],
                volumes: [
                  { name: 'etcd-pki', hostPath: { path: facts.etcd.pkiDir, type: 'Directory' } },
                  { name: 'script', configMap: { name, defaultMode: 0o555 } },
                  {
                    name: 'encryption-key',
                    secret: { secretName: backup.encryptionSecret, defaultMode: 0o400 },
                  },
                  workVolume,
                ],
              },
            },
          },
        },
      },
    }),
  ];
}
