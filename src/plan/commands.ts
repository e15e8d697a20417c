/** The provider-neutral commands a plan prints (each target's own are in its descriptor's `plan`). */

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
