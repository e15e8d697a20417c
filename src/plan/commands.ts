/** The provider-specific commands a plan prints: copying buckets, changing DNS TTLs. */
import type { Target } from '../audit/model.ts';

/** rclone remote types (https://rclone.org/overview/), configured once per side. */
const RCLONE_REMOTE: Record<Target, string> = {
  aws: 's3 (provider AWS)',
  azure: 'azureblob',
  gcp: 'google cloud storage',
  baremetal: 's3 (provider Minio/Ceph)',
};

export function rcloneRemote(target: Target): string {
  return RCLONE_REMOTE[target];
}

export function lowerTtlCommand(from: Target, zone: string, host: string): string {
  switch (from) {
    case 'aws':
      return `aws route53 change-resource-record-sets --hosted-zone-id <zone-id> --change-batch file://ttl-${host}.json  # UPSERT ${host} TTL 60`;
    case 'azure':
      return `az network dns record-set cname update -g <dns-resource-group> -z ${zone} -n ${host.replace(`.${zone}`, '')} --set ttl=60`;
    case 'gcp':
      return `gcloud dns record-sets update ${host}. --zone=<managed-zone> --type=A --ttl=60 --rrdatas=<current>`;
    default:
      return `nsupdate -k <tsig.key> <<< "update add ${host}. 60 A <current>"`;
  }
}

/** How a stateful service's data is copied: the database's own tools when the image says which. */
export function volumeCopyCommands(image: string, name: string, namespace: string): string[] {
  if (/(^|\/)mongo/.test(image))
    return [
      `kubectl --context source -n ${namespace} exec ${name}-0 -- mongodump --archive --gzip > ${name}.archive.gz`,
      `kubectl --context target -n ${namespace} exec -i ${name}-0 -- mongorestore --archive --gzip --drop < ${name}.archive.gz`,
    ];
  if (/(^|\/)postgres/.test(image))
    return [
      `kubectl --context source -n ${namespace} exec ${name}-0 -- pg_dumpall -U postgres > ${name}.sql`,
      `kubectl --context target -n ${namespace} exec -i ${name}-0 -- psql -U postgres < ${name}.sql`,
    ];
  return [
    `velero --kubecontext source backup create ${name}-move --include-namespaces ${namespace} --selector app.kubernetes.io/instance=${name} --default-volumes-to-fs-backup`,
    `velero --kubecontext target restore create ${name}-move --from-backup ${name}-move`,
  ];
}
