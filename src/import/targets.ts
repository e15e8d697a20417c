/**
 * The `targets:` block: facts for the provider the platform runs on now (filled from what the files
 * show, where they show it) and placeholders for the others, each marked, so the draft renders for
 * every target once the placeholders are replaced.
 */
import type { Target } from '../audit/model.ts';
import type { Notes } from './draft.ts';
import { asObject, attribute, type Inventory, type Json } from './inventory.ts';
import type { WorkloadsDraft } from './workloads.ts';

const PLACEHOLDER_UUID = '00000000-0000-0000-0000-000000000000';

const PLACEHOLDERS: Record<Target, Json> = {
  aws: {
    region: 'eu-central-1',
    accountId: '000000000000',
    clusterName: 'replace-me',
    oidcIssuer: 'oidc.eks.eu-central-1.amazonaws.com/id/REPLACEME',
    hostedZoneId: 'Z0000000000REPLACEME',
    kmsKeyArn: 'arn:aws:kms:eu-central-1:000000000000:key/00000000-0000-0000-0000-000000000000',
  },
  azure: {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    tenantId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'replace-me',
    location: 'westeurope',
    oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/replace-me/',
    dnsZoneResourceGroup: 'replace-me',
    storageAccount: 'replaceme',
    keyVaultKeyId: 'https://replace-me.vault.azure.net/keys/replace-me',
    diskEncryptionSetId:
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/replace-me/providers/Microsoft.Compute/diskEncryptionSets/replace-me',
  },
  gcp: {
    projectId: 'replace-me',
    region: 'europe-west1',
    dnsManagedZone: 'replace-me',
    kmsKeyId: 'projects/replace-me/locations/europe-west1/keyRings/replace-me/cryptoKeys/replace-me',
  },
  baremetal: {
    ipPool: ['192.0.2.240-192.0.2.250'],
    dns: {
      server: '192.0.2.2',
      tsigKeyName: 'replace-me',
      tsigSecret: { name: 'external-dns-tsig', key: 'tsig-secret' },
    },
    storage: { system: 'longhorn', replicas: 3 },
    s3: { endpoint: 'https://s3.replace-me.internal:9000', kmsKeyId: 'replace-me' },
  },
};

/**
 * `identities`: the names that get a cloud identity (those with grants, and the backup job's), which
 * Azure needs a client id for; until `tofu output client_ids` is known they are placeholders too.
 */
export function inferTargets(
  inv: Inventory,
  current: Target | undefined,
  workloads: WorkloadsDraft,
  identities: readonly string[],
  notes: Notes,
): Json {
  const targets: Json = current ? { default: current } : {};
  for (const target of ['aws', 'azure', 'gcp', 'baremetal'] as const) {
    const facts: Json = structuredClone(PLACEHOLDERS[target]);
    const found = target === current ? observedFacts(inv, target, workloads) : {};
    Object.assign(facts, found);
    if (target === 'azure') {
      const ids = asObject(facts['clientIds']);
      const placeholders = identities.filter((name) => !(name in ids));
      facts['clientIds'] = {
        ...Object.fromEntries(placeholders.map((name) => [name, PLACEHOLDER_UUID])),
        ...ids,
      };
      if (placeholders.length > 0)
        notes.todo(
          ['targets', 'azure', 'clientIds'],
          `placeholders for ${placeholders.join(', ')}: after applying provider/, copy \`tofu output -json client_ids\` here`,
        );
    }
    const missing = Object.keys(facts).filter((k) => !(k in found));
    if (target === current)
      notes.todo(
        ['targets', target],
        `read from the files: ${Object.keys(found).join(', ') || 'nothing'}; replace the placeholders of ${missing.join(', ')}`,
      );
    else notes.todo(['targets', target], `placeholders: fill in before rendering for ${target}`);
    targets[target] = facts;
  }
  return targets;
}

function observedFacts(inv: Inventory, target: Target, workloads: WorkloadsDraft): Json {
  const facts: Json = {};
  const all =
    JSON.stringify(inv.kube.map((o) => o.data)) + inv.terraform.map((r) => JSON.stringify(r.block)).join('');
  if (target === 'aws') {
    const region = awsRegion(all);
    if (region) facts['region'] = region;
    const account = /arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(all)?.[1];
    if (account) facts['accountId'] = account;
    const kms = /arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+/.exec(all)?.[0];
    if (kms) facts['kmsKeyArn'] = kms;
    // A literal hosted zone id: on a zone data source, a record, or an external-dns flag.
    const zoneId =
      terraformValues(inv, 'zone_id').find((v) => /^Z[A-Z0-9]{8,32}$/.test(v)) ??
      /--(?:zone-id-filter|txt-owner-id)=(Z[A-Z0-9]{8,32})\b/.exec(all)?.[1];
    if (zoneId) facts['hostedZoneId'] = zoneId;
  } else if (target === 'azure') {
    const des =
      /\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/"]+)\/providers\/Microsoft\.Compute\/diskEncryptionSets\/[^/"\s]+/i.exec(
        all,
      );
    if (des) {
      facts['subscriptionId'] = des[1];
      facts['resourceGroup'] = des[2];
      facts['diskEncryptionSetId'] = des[0];
    }
    const location = inv.terraform
      .map((r) => attribute(r.block, 'location'))
      .find((l) => l && /^[a-z0-9]+$/.test(l));
    if (location) facts['location'] = location;
    const account = inv.terraform.find((r) => r.type === 'azurerm_storage_account');
    const accountName = account && attribute(account.block, 'name');
    if (accountName && /^[a-z0-9]{3,24}$/.test(accountName)) facts['storageAccount'] = accountName;
    const zone = inv.terraform.find((r) => r.type.replace(/^data\./, '') === 'azurerm_dns_zone');
    const zoneGroup = zone && attribute(zone.block, 'resource_group_name');
    if (zoneGroup && /^[\w.()-]{1,90}$/.test(zoneGroup)) facts['dnsZoneResourceGroup'] = zoneGroup;
    const clientIds: Json = {};
    for (const sa of inv.kube.filter((o) => o.kind === 'ServiceAccount')) {
      const id = asObject(asObject(sa.data['metadata'])['annotations'])['azure.workload.identity/client-id'];
      const workload =
        workloads.accountToWorkload.get(sa.name) ?? (sa.name === 'external-dns' ? 'external-dns' : undefined);
      if (typeof id === 'string' && workload) clientIds[workload] = id;
    }
    if (Object.keys(clientIds).length > 0) facts['clientIds'] = clientIds;
  } else if (target === 'gcp') {
    const project = inv.terraform
      .map((r) => attribute(r.block, 'project'))
      .find((p) => p && /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(p));
    if (project) facts['projectId'] = project;
    const zone = inv.terraform.find((r) => r.type.replace(/^data\./, '') === 'google_dns_managed_zone');
    const zoneName = zone && attribute(zone.block, 'name');
    if (zoneName && /^[a-z][a-z0-9-]{0,62}$/.test(zoneName)) facts['dnsManagedZone'] = zoneName;
  }
  return facts;
}

/** Literal values of an attribute in every Terraform block (references such as `aws_x.y.id` are skipped). */
function terraformValues(inv: Inventory, name: string): string[] {
  return inv.terraform.map((r) => attribute(r.block, name)).filter((v): v is string => v !== undefined);
}

function awsRegion(text: string): string | undefined {
  return /\b((?:eu|us|ap|sa|ca|me|af)-(?:central|west|east|north|south|northeast|southeast)-\d)\b/.exec(
    text,
  )?.[1];
}
