/** The facts of an AKS cluster under `targets.azure`. */
import { z } from 'zod';
import { UUID } from '../../target-facts.ts';

export const azureFactsSchema = z
  .strictObject({
    subscriptionId: z.string().regex(UUID, 'must be a subscription id (UUID)'),
    tenantId: z.string().regex(UUID, 'must be a tenant id (UUID)'),
    resourceGroup: z.string().min(1),
    location: z.string().min(1),
    oidcIssuerUrl: z.url().meta({ description: 'The AKS cluster OIDC issuer URL (workload identity).' }),
    dnsZoneResourceGroup: z.string().min(1),
    storageAccount: z.string().regex(/^[a-z0-9]{3,24}$/, 'must be 3-24 lower-case letters or digits'),
    keyVaultKeyId: z.url().meta({ description: 'Versionless Key Vault key id for the storage account CMK.' }),
    diskEncryptionSetId: z
      .string()
      .regex(/^\/subscriptions\/.+\/providers\/Microsoft\.Compute\/diskEncryptionSets\/.+$/)
      .meta({ description: 'ARM id of the disk encryption set (CMK) for managed disks.' }),
    clientIds: z.record(z.string(), z.string().regex(UUID, 'must be a client id (UUID)')).default({}).meta({
      description:
        'Client id of each workload identity, from `tofu output client_ids` after applying provider/.',
    }),
  })
  .meta({ description: 'Facts of an AKS cluster.' });

export type AzureFacts = z.output<typeof azureFactsSchema>;
