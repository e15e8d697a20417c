/**
 * Network rules and etcd backups. platform.yaml denies every flow it does not allow, so the draft
 * allows what the manifests show (a workload naming another in its environment) and says what it could not see.
 */
import type { Notes } from './draft.ts';
import { bucketName } from './draft.ts';
import { asObject, type Inventory, type Json } from './inventory.ts';
import type { WorkloadsDraft } from './workloads.ts';

export function inferNetwork(inv: Inventory, workloads: WorkloadsDraft, notes: Notes): Json {
  const allow: Json[] = [];
  for (const [from, text] of workloads.mentions) {
    for (const target of [...workloads.statefulServices, ...workloads.services]) {
      const to = String(target['name']);
      if (to !== from && new RegExp(`\\b${to}\\b`).test(text))
        allow.push({ from, to, ports: [target['port']] });
    }
    if (/kafka/i.test(text))
      notes.todo(
        ['network', 'allow'],
        `${from} reaches Kafka; add { from: ${from}, toCidr: <brokers' network>, ports: [9092] }`,
      );
  }
  notes.todo(
    ['network'],
    'every flow not allowed here is denied; review against the traffic the platform really has',
  );
  if (inv.kube.some((o) => /flannel/.test(o.name)))
    notes.todo(
      ['network'],
      'the source cluster runs flannel, which does not enforce NetworkPolicy: flows that worked there may have relied on that',
    );
  return { allow };
}

export function inferBackup(inv: Inventory, buckets: Map<string, string>, notes: Notes): Json | undefined {
  for (const job of inv.kube.filter((o) => o.kind === 'CronJob')) {
    const text = JSON.stringify(job.data);
    if (!/etcdctl/.test(text)) continue;
    const schedule = String(asObject(job.data['spec'])['schedule'] ?? '0 2 * * *');
    const raw = /(?:s3|gs):\/\/([a-z0-9.-]+)/.exec(text)?.[1];
    const bucket = (raw && bucketName(raw)) ?? 'cluster-backups';
    if (!buckets.has(bucket)) buckets.set(bucket, job.file);
    notes.todo(
      ['backup', 'retentionDays'],
      `${job.file}: retention is not visible in the job; 14 days assumed`,
    );
    return { schedule, retentionDays: 14, bucket };
  }
  notes.todo(
    ['backup'],
    'no etcd backup job found: add one (schedule, retentionDays, bucket) unless the control plane is managed',
  );
  return undefined;
}
