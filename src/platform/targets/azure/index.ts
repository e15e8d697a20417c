/** Azure (AKS): everything the Azure target means, reachable from here. */
import { PUBLIC_INTERNET } from '../../bindings.ts';
import type { TargetDescriptor } from '../descriptor.ts';
import { type AzureFacts, azureFactsSchema } from './facts.ts';
import { azureTarget } from './render.ts';

const PLACEHOLDER_UUID = '00000000-0000-0000-0000-000000000000';

export const azure: TargetDescriptor = {
  name: 'azure',
  title: 'Azure (AKS)',
  facts: azureFactsSchema,
  render: azureTarget,
  bindings: {
    objectStore: (facts, bucket) => ({
      driver: 'azure-blob',
      accountUrl: `https://${(facts as AzureFacts).storageAccount}.blob.core.windows.net`,
      container: bucket,
      auth: 'workload',
    }),
    objectStoreEgress: (facts) => ({
      host: `${(facts as AzureFacts).storageAccount}.blob.core.windows.net`,
      port: 443,
      ...PUBLIC_INTERNET,
    }),
  },
  audit: { ruleId: 'AZURE' },
  import: {
    placeholders: {
      subscriptionId: PLACEHOLDER_UUID,
      tenantId: PLACEHOLDER_UUID,
      resourceGroup: 'replace-me',
      location: 'westeurope',
      oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/replace-me/',
      dnsZoneResourceGroup: 'replace-me',
      storageAccount: 'replaceme',
      keyVaultKeyId: 'https://replace-me.vault.azure.net/keys/replace-me',
      diskEncryptionSetId: `/subscriptions/${PLACEHOLDER_UUID}/resourceGroups/replace-me/providers/Microsoft.Compute/diskEncryptionSets/replace-me`,
    },
    observe({ text, terraform, kube, annotations, attribute, identityOfServiceAccount }) {
      const facts: Record<string, unknown> = {};
      const des =
        /\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/"]+)\/providers\/Microsoft\.Compute\/diskEncryptionSets\/[^/"\s]+/i.exec(
          text,
        );
      if (des) {
        facts['subscriptionId'] = des[1];
        facts['resourceGroup'] = des[2];
        facts['diskEncryptionSetId'] = des[0];
      }
      const location = terraform
        .map((r) => attribute(r.block, 'location'))
        .find((l) => l && /^[a-z0-9]+$/.test(l));
      if (location) facts['location'] = location;
      const account = terraform.find((r) => r.type === 'azurerm_storage_account');
      const accountName = account && attribute(account.block, 'name');
      if (accountName && /^[a-z0-9]{3,24}$/.test(accountName)) facts['storageAccount'] = accountName;
      const zone = terraform.find((r) => r.type.replace(/^data\./, '') === 'azurerm_dns_zone');
      const zoneGroup = zone && attribute(zone.block, 'resource_group_name');
      if (zoneGroup && /^[\w.()-]{1,90}$/.test(zoneGroup)) facts['dnsZoneResourceGroup'] = zoneGroup;
      const clientIds: Record<string, unknown> = {};
      for (const sa of kube.filter((o) => o.kind === 'ServiceAccount')) {
        const id = annotations(sa)['azure.workload.identity/client-id'];
        const identity = identityOfServiceAccount(sa.name);
        if (typeof id === 'string' && identity) clientIds[identity] = id;
      }
      if (Object.keys(clientIds).length > 0) facts['clientIds'] = clientIds;
      return facts;
    },
    // Every identity with a grant needs a client id, known only after `tofu apply` of provider/.
    complete(facts, identities) {
      // Only observe() sets clientIds, always to an object of client ids.
      const ids = (facts['clientIds'] ?? {}) as Record<string, unknown>;
      const missing = identities.filter((name) => !(name in ids));
      facts['clientIds'] = { ...Object.fromEntries(missing.map((name) => [name, PLACEHOLDER_UUID])), ...ids };
      return missing.length > 0
        ? `placeholders for ${missing.join(', ')}: after applying provider/, copy \`tofu output -json client_ids\` here`
        : undefined;
    },
    dnsZone: (type, block, attribute) => (type === 'azurerm_dns_zone' ? attribute(block, 'name') : undefined),
    internalLoadBalancer: [['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i]],
  },
  plan: {
    clusterDays: 2,
    cluster: 'a managed cluster',
    rcloneRemote: 'azureblob',
    lowerTtlCommand: (zone, host) =>
      `az network dns record-set cname update -g <dns-resource-group> -z ${zone} -n ${host.replace(`.${zone}`, '')} --set ttl=60`,
  },
};
