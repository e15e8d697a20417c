/**
 * Azure (AKS): a static public IP for the Envoy gateway's Azure load balancer, external-dns on Azure
 * DNS, Azure Disk CSI volumes encrypted with a disk encryption set, blob containers with Key Vault
 * encryption scopes, Azure Workload Identity (user-assigned identities, federated credentials, custom
 * roles with explicit data actions), Velero to blob storage, and a NetworkPolicy-enforcing dataplane.
 */
import { ENVOY_GATEWAY_INSTALL, envoyProxy, usesGateway } from '../../k8s/entry.ts';
import { externalDnsObjects } from '../../k8s/external-dns.ts';
import { identityObjects } from '../../k8s/identity.ts';
import type { K8sObject } from '../../k8s/object.ts';
import { podTemplatePatch } from '../../k8s/patch.ts';
import { storageClasses, volumesVerify } from '../../k8s/storage-class.ts';
import { VELERO_NAMESPACE, VELERO_SERVICE_ACCOUNT } from '../../k8s/velero.ts';
import { bucketGrants, grantedIdentities, hasGrant, type Identity, type PlatformModel } from '../../model.ts';
import type { GrantAction } from '../../schema.ts';
import { type TerraformBuilder, tfName, tfRef } from '../../terraform.ts';
import { networkPolicyEnforcement, veleroClusterState } from '../category-bindings.ts';
import { grafanaDatasource, grafanaInstall } from '../grafana-datasource.ts';
import { FactError, factsOf, type PlatformTarget } from '../target.ts';
import type { AzureFacts } from './facts.ts';

const facts = (model: PlatformModel) => factsOf<AzureFacts>(model, 'azure');
const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
/** The Helm setting that puts Azure Workload Identity's label on a chart's pods (Grafana, Velero). */
const WORKLOAD_IDENTITY_POD_LABEL = '`podLabels."azure\\.workload\\.identity/use"=true`';

/** Data actions per neutral grant on a container. */
const BLOB_DATA_ACTIONS: Partial<Record<GrantAction, readonly string[]>> = {
  read: [`${BLOBS}/read`],
  write: [`${BLOBS}/add/action`, `${BLOBS}/delete`, `${BLOBS}/write`],
  list: [`${BLOBS}/read`],
};
const BLOB_ACTIONS: Partial<Record<GrantAction, readonly string[]>> = {
  list: ['Microsoft.Storage/storageAccounts/blobServices/containers/read'],
};
/** The record types external-dns writes (TXT for its registry), each spelled out. */
const DNS_ACTIONS = ['Microsoft.Network/dnsZones/read', 'Microsoft.Network/dnsZones/recordsets/read'].concat(
  ['A', 'AAAA', 'CNAME', 'TXT'].flatMap((t) =>
    ['read', 'write', 'delete'].map((v) => `Microsoft.Network/dnsZones/${t}/${v}`),
  ),
);
const METRICS_ACTIONS = [
  'Microsoft.Insights/metricDefinitions/read',
  'Microsoft.Insights/metricnamespaces/read',
  'Microsoft.Insights/metrics/read',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
];

const pick = (table: Partial<Record<GrantAction, readonly string[]>>, actions: readonly GrantAction[]) =>
  [...new Set(actions.flatMap((a) => table[a] ?? []))].sort();

function resourceGroupId(f: AzureFacts, group: string): string {
  return `/subscriptions/${f.subscriptionId}/resourceGroups/${group}`;
}

function customRole(
  tf: TerraformBuilder,
  model: PlatformModel,
  id: string,
  scope: string,
  perms: { actions: string[]; dataActions: string[] },
): string {
  const r = tfName('role', id);
  tf.resource('azurerm_role_definition', r, {
    name: `${model.config.name}-${id}`,
    scope,
    description: `datapipe ${model.config.name}: ${id}`,
    permissions: [
      { actions: perms.actions, data_actions: perms.dataActions, not_actions: [], not_data_actions: [] },
    ],
    assignable_scopes: [scope],
  });
  return `\${azurerm_role_definition.${r}.role_definition_resource_id}`;
}

function assign(tf: TerraformBuilder, identity: Identity, id: string, scope: string, role: string): void {
  tf.resource('azurerm_role_assignment', tfName(identity.name, id), {
    scope,
    role_definition_id: role,
    principal_id: `\${azurerm_user_assigned_identity.${tfName(identity.name)}.principal_id}`,
    principal_type: 'ServicePrincipal',
  });
}

function clientId(model: PlatformModel, identity: Identity): string {
  const id = facts(model).clientIds[identity.name];
  if (!id)
    throw new FactError(
      ['targets', 'azure', 'clientIds', identity.name],
      'missing: apply provider/ first, then copy `tofu output -json client_ids` here and render again',
    );
  return id;
}

export const azureTarget: PlatformTarget = {
  backupIdentity: { namespace: VELERO_NAMESPACE, serviceAccount: VELERO_SERVICE_ACCOUNT },

  providers(model) {
    const f = facts(model);
    return {
      terraform: { required_providers: { azurerm: { source: 'hashicorp/azurerm', version: '~> 5.0' } } },
      provider: {
        azurerm: {
          features: {},
          subscription_id: f.subscriptionId,
          tenant_id: f.tenantId,
          storage_use_azuread: true,
        },
      },
    };
  },

  containerEnvironment(model) {
    const f = facts(model);
    return {
      DATAPIPE_TARGET: 'azure',
      AZURE_STORAGE_ACCOUNT: f.storageAccount,
      AZURE_STORAGE_BLOB_ENDPOINT: `https://${f.storageAccount}.blob.core.windows.net`,
    };
  },

  dnsAndLoadBalancing({ model, tf }) {
    const f = facts(model);
    tf.data('azurerm_dns_zone', 'platform', {
      name: model.config.dns.zone,
      resource_group_name: f.dnsZoneResourceGroup,
    });
    const objects: K8sObject[] = [];
    if (usesGateway(model.config)) {
      tf.resource('azurerm_public_ip', 'gateway', {
        name: `${model.config.name}-gateway`,
        resource_group_name: f.resourceGroup,
        location: f.location,
        allocation_method: 'Static',
        sku: 'Standard',
      });
      objects.push(
        envoyProxy(model.config, {
          annotations: {
            'service.beta.kubernetes.io/azure-pip-name': `${model.config.name}-gateway`,
            'service.beta.kubernetes.io/azure-load-balancer-resource-group': f.resourceGroup,
          },
        }),
      );
    }
    const azureJson = {
      tenantId: f.tenantId,
      subscriptionId: f.subscriptionId,
      resourceGroup: f.dnsZoneResourceGroup,
      useWorkloadIdentityExtension: true,
    };
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'external-dns-azure', namespace: 'external-dns' },
      data: { 'azure.json': `${JSON.stringify(azureJson, null, 2)}\n` },
    });
    objects.push(
      ...externalDnsObjects(model, {
        provider: 'azure',
        args: [
          `--azure-resource-group=${f.dnsZoneResourceGroup}`,
          '--azure-config-file=/etc/kubernetes/azure.json',
        ],
        podLabels: { 'azure.workload.identity/use': 'true' },
        volumes: [
          {
            volume: { name: 'azure-config', configMap: { name: 'external-dns-azure' } },
            mount: { name: 'azure-config', mountPath: '/etc/kubernetes', readOnly: true },
          },
        ],
      }),
    );
    return {
      objects,
      runbook: {
        install: [
          `${ENVOY_GATEWAY_INSTALL} The Envoy Service gets the static public IP from \`provider/dns-and-load-balancing.tf.json\`; the AKS cluster identity needs Network Contributor on that resource group.`,
          'external-dns is rendered here; it authenticates with workload identity (`useWorkloadIdentityExtension` in its azure.json).',
        ],
        verify: [
          '`kubectl get gateway -n NAMESPACE` shows the public IP; `az network dns record-set a list -g DNS_RG -z ZONE` shows the records.',
        ],
      },
    };
  },

  persistence({ model, tf }) {
    const f = facts(model);
    tf.data('azurerm_storage_account', 'platform', {
      name: f.storageAccount,
      resource_group_name: f.resourceGroup,
    });
    for (const b of model.config.buckets) {
      tf.resource('azurerm_storage_container', tfName(b.name), {
        name: b.name,
        storage_account_id: tfRef('data.azurerm_storage_account.platform.id'),
        container_access_type: 'private',
        ...(b.encrypted
          ? {
              default_encryption_scope: `\${azurerm_storage_encryption_scope.${tfName(b.name)}.name}`,
              encryption_scope_override_enabled: false,
            }
          : {}),
      });
    }
    return {
      objects: storageClasses(model, {
        provisioner: 'disk.csi.azure.com',
        encrypted: {
          skuName: 'Premium_ZRS',
          diskEncryptionSetID: f.diskEncryptionSetId,
          diskEncryptionType: 'EncryptionAtRestWithCustomerKey',
        },
        standard: { skuName: 'Premium_ZRS' },
      }),
      runbook: {
        install: [
          'Azure Disk CSI driver (built into AKS). The AKS cluster identity needs Reader on the disk encryption set.',
        ],
        verify: [volumesVerify('`az disk show` shows `encryption.type: EncryptionAtRestWithCustomerKey`.')],
      },
    };
  },

  encryption({ model, tf }) {
    const f = facts(model);
    for (const b of model.config.buckets.filter((x) => x.encrypted)) {
      tf.resource('azurerm_storage_encryption_scope', tfName(b.name), {
        name: b.name.replace(/[^a-z0-9]/g, '').slice(0, 63),
        storage_account_id: tfRef('data.azurerm_storage_account.platform.id'),
        source: 'Microsoft.KeyVault',
        key_vault_key_id: f.keyVaultKeyId,
        infrastructure_encryption_required: true,
      });
    }
    return {
      objects: [],
      runbook: {
        install: [
          `The storage account \`${f.storageAccount}\` has a managed identity with "Key Vault Crypto Service Encryption User" on the key \`${f.keyVaultKeyId}\` (required by Key Vault encryption scopes).`,
          'Kubernetes Secrets encryption at rest: enable AKS KMS etcd encryption (`az aks update --enable-azure-keyvault-kms`).',
        ],
        verify: [
          '`az storage container show` shows each encrypted container with its default encryption scope and overrides denied.',
        ],
      },
    };
  },

  workloadAuthorization({ model, tf, workloads }) {
    const f = facts(model);
    const rg = resourceGroupId(f, f.resourceGroup);
    const granted = grantedIdentities(model);
    const patches = azureWorkloadPatches(model, workloads);
    for (const identity of granted) {
      const r = tfName(identity.name);
      tf.resource('azurerm_user_assigned_identity', r, {
        name: `${model.config.name}-${identity.name}`,
        resource_group_name: f.resourceGroup,
        location: f.location,
      });
      tf.resource('azurerm_federated_identity_credential', r, {
        name: `${identity.namespace}-${identity.serviceAccount}`,
        user_assigned_identity_id: `\${azurerm_user_assigned_identity.${r}.id}`,
        issuer: f.oidcIssuerUrl,
        subject: `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`,
        audience: ['api://AzureADTokenExchange'],
      });
      for (const [bucket, actions] of bucketGrants(model, identity)) {
        const scope = `\${azurerm_storage_container.${tfName(bucket)}.id}`;
        const id = `${identity.name}-${bucket}`;
        const role = customRole(tf, model, id, rg, {
          actions: pick(BLOB_ACTIONS, actions),
          dataActions: pick(BLOB_DATA_ACTIONS, actions),
        });
        assign(tf, identity, tfName('bucket', bucket), scope, role);
      }
      if (hasGrant(model, identity, 'manageRecords')) {
        const zone = tfRef('data.azurerm_dns_zone.platform.id');
        const role = customRole(tf, model, `${identity.name}-dns`, zone, {
          actions: DNS_ACTIONS,
          dataActions: [],
        });
        assign(tf, identity, 'dns', tfRef('data.azurerm_dns_zone.platform.id'), role);
      }
      if (hasGrant(model, identity, 'readMetrics')) {
        const role = customRole(tf, model, `${identity.name}-metrics`, rg, {
          actions: METRICS_ACTIONS,
          dataActions: [],
        });
        assign(tf, identity, 'metrics', rg, role);
      }
    }
    tf.output(
      'client_ids',
      `\${ { ${granted.map((i) => `"${i.name}" = azurerm_user_assigned_identity.${tfName(i.name)}.client_id`).join(', ')} } }`,
      'Copy into targets.azure.clientIds of platform.yaml, then render again.',
    );
    const objects: K8sObject[] = [
      ...identityObjects(model, (i) => ({ 'azure.workload.identity/client-id': clientId(model, i) })),
      ...grafanaDatasource(model, {
        name: 'Azure Monitor',
        type: 'grafana-azure-monitor-datasource',
        jsonData: { azureAuthType: 'workloadidentity', subscriptionId: f.subscriptionId },
      }),
    ];
    return {
      objects,
      patches,
      runbook: {
        install: [
          'AKS with `--enable-oidc-issuer --enable-workload-identity`.',
          'Apply `provider/` first, then copy `tofu output -json client_ids` into `targets.azure.clientIds` and render again: the ServiceAccount annotations need the client ids.',
          grafanaInstall(`, ${WORKLOAD_IDENTITY_POD_LABEL} and the dashboard and datasource sidecars`),
        ],
        verify: [
          '`kubectl get pod -n NAMESPACE -l app.kubernetes.io/instance=PIPELINE -o yaml` shows the injected `AZURE_CLIENT_ID` and `AZURE_FEDERATED_TOKEN_FILE`.',
          '`az role assignment list --assignee CLIENT_ID --all` lists only the container-scoped custom roles.',
        ],
      },
    };
  },

  clusterState({ model }) {
    const f = facts(model);
    return veleroClusterState(model, {
      cluster: 'AKS',
      provider: 'azure',
      locationConfig: {
        resourceGroup: f.resourceGroup,
        storageAccount: f.storageAccount,
        subscriptionId: f.subscriptionId,
        useAAD: 'true',
      },
      podSetting: WORKLOAD_IDENTITY_POD_LABEL,
    });
  },

  network() {
    return networkPolicyEnforcement(
      'NetworkPolicy enforcement: create the AKS cluster with `--network-plugin azure --network-dataplane cilium` (Azure CNI powered by Cilium) or `--network-policy calico`. kubenet without a policy engine does not enforce the rendered policies.',
    );
  },
};

/** Pod-template patches: pods of identities with grants carry `azure.workload.identity/use: "true"`. */
function azureWorkloadPatches(model: PlatformModel, workloads: readonly K8sObject[]): K8sObject[] {
  const granted = new Set(grantedIdentities(model).map((i) => i.name));
  return workloads
    .filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && granted.has(o.metadata.name))
    .map((o) => podTemplatePatch(o, { labels: { 'azure.workload.identity/use': 'true' } }));
}
