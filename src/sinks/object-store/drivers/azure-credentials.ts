/**
 * How the azure-blob driver authenticates. With `auth: auto`, a connection string, an account key or a
 * SAS token (secret references) win in that order; without any of them (or with `auth: workload`) the
 * workload's own Microsoft Entra identity: AKS Workload Identity when its webhook injected
 * AZURE_FEDERATED_TOKEN_FILE (with AZURE_CLIENT_ID and AZURE_TENANT_ID), else @azure/identity's
 * DefaultAzureCredential (environment, workload identity, managed identity, developer tools).
 */
import { DefaultAzureCredential, type TokenCredential, WorkloadIdentityCredential } from '@azure/identity';
import type { ObjectStoreOptions } from '../options.ts';

export type AzureAuth =
  | { readonly mode: 'connection-string'; readonly connectionString: string }
  | { readonly mode: 'account-key'; readonly accountKey: string }
  | { readonly mode: 'sas'; readonly sasToken: string }
  | { readonly mode: 'workload-identity' | 'default-chain'; readonly credential: TokenCredential };

export function azureAuth(opts: ObjectStoreOptions, env: NodeJS.ProcessEnv = process.env): AzureAuth {
  if (opts.auth !== 'workload') {
    if (opts.connectionString) return { mode: 'connection-string', connectionString: opts.connectionString };
    if (opts.accountKey) return { mode: 'account-key', accountKey: opts.accountKey };
    if (opts.sasToken) return { mode: 'sas', sasToken: opts.sasToken };
  }
  const tokenFile = env['AZURE_FEDERATED_TOKEN_FILE'];
  const clientId = env['AZURE_CLIENT_ID'];
  const tenantId = env['AZURE_TENANT_ID'];
  if (tokenFile && clientId && tenantId) {
    return {
      mode: 'workload-identity',
      credential: new WorkloadIdentityCredential({ tokenFilePath: tokenFile, clientId, tenantId }),
    };
  }
  return { mode: 'default-chain', credential: new DefaultAzureCredential() };
}
