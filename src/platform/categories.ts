/**
 * The one vocabulary of the six provider-specific categories (ARCHITECTURE.md), shared by render
 * (file names under provider/, runbook sections), the audit (finding categories) and the docs.
 */
export const CATEGORIES = [
  'dns-and-load-balancing',
  'persistence',
  'encryption',
  'workload-authorization',
  'cluster-state',
  'network',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  'dns-and-load-balancing': 'DNS and load balancing',
  persistence: 'Persistence',
  encryption: 'Encryption at rest',
  'workload-authorization': 'Workload authorization',
  'cluster-state': 'Cluster state (etcd)',
  network: 'Network',
};
