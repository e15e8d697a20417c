/**
 * Cluster state on managed targets: the provider runs etcd, so what we back up is the API state and
 * volume data, with Velero, to the platform's encrypted bucket. Velero itself is installed by its Helm
 * chart (see the runbook); these are its BackupStorageLocation and Schedule.
 */
import { CLUSTER_BACKUP_IDENTITY, type PlatformModel } from '../model.ts';
import { type K8sObject, recommendedLabels } from './object.ts';

export const VELERO_NAMESPACE = 'velero';
export const VELERO_SERVICE_ACCOUNT = 'velero';

/** The runbook's check that the rendered backup location and schedule work (the same on every target). */
export const VELERO_VERIFY =
  '`velero backup-location get` shows the location Available; `velero backup create --from-schedule PLATFORM` completes.';

export function veleroObjects(
  model: PlatformModel,
  provider: 'aws' | 'azure' | 'gcp',
  locationConfig: Record<string, string>,
): K8sObject[] {
  const backup = model.config.backup;
  if (!backup) return [];
  const name = model.config.name;
  const labels = recommendedLabels({
    name: CLUSTER_BACKUP_IDENTITY,
    instance: name,
    component: 'backup',
    partOf: name,
  });
  return [
    {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: { name, namespace: VELERO_NAMESPACE, labels },
      spec: {
        provider,
        default: true,
        objectStorage: { bucket: backup.bucket, prefix: `${name}/velero` },
        config: locationConfig,
      },
    },
    {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name, namespace: VELERO_NAMESPACE, labels },
      spec: {
        schedule: backup.schedule,
        useOwnerReferencesInBackup: false,
        template: {
          storageLocation: name,
          ttl: `${backup.retentionDays * 24}h0m0s`,
          includeClusterResources: true,
          // Volume data goes through file-system backup to the same encrypted bucket, so no
          // provider snapshot permissions are needed and a backup restores on any target.
          snapshotVolumes: false,
          defaultVolumesToFsBackup: true,
        },
      },
    },
  ];
}
