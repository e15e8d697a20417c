/**
 * Which credentials the s3 driver signs with. Static keys (secret references) when the options give them
 * and `auth` allows it; otherwise the AWS SDK's default Node provider chain, which on each platform finds
 * the workload's own identity without any key in the pipeline: environment variables, the shared config
 * files, a web identity token file (EKS IRSA: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), the container
 * credentials endpoint (EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_FULL_URI +
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE; ECS tasks), then the instance metadata service. The chain is
 * the SDK's own (`fromNodeProviderChain`), not a copy of it; which link answered is reported by the
 * resolved identity's `$source` (see `credentialSourceOf`).
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { ObjectStoreOptions } from '../options.ts';

export type S3Credentials =
  | { readonly mode: 'static-keys'; readonly credentials: AwsCredentialIdentity }
  | { readonly mode: 'default-chain'; readonly credentials: AwsCredentialIdentityProvider };

export function s3Credentials(opts: ObjectStoreOptions): S3Credentials {
  if (opts.auth !== 'workload' && opts.accessKeyId && opts.secretAccessKey) {
    return {
      mode: 'static-keys',
      credentials: {
        accessKeyId: opts.accessKeyId,
        secretAccessKey: opts.secretAccessKey,
        ...(opts.sessionToken ? { sessionToken: opts.sessionToken } : {}),
      },
    };
  }
  return { mode: 'default-chain', credentials: fromNodeProviderChain() };
}

/** The SDK's feature ids (`$source`) of each link of the chain, in words for logs. */
const SOURCES: Readonly<Record<string, string>> = {
  CREDENTIALS_ENV_VARS: 'environment',
  CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'web-identity',
  CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'web-identity',
  CREDENTIALS_PROFILE: 'profile',
  CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN: 'web-identity',
  CREDENTIALS_SSO: 'sso',
  CREDENTIALS_PROCESS: 'process',
  CREDENTIALS_HTTP: 'container-endpoint',
  CREDENTIALS_IMDS: 'instance-metadata',
};

/**
 * Which link of the chain produced `identity`: web-identity (IRSA), container-endpoint (Pod Identity), ...;
 * `unmarked` when the SDK left no mark (static keys, and the instance metadata link of the Node chain).
 */
export function credentialSourceOf(identity: AwsCredentialIdentity): string {
  const source = (identity as { $source?: Record<string, unknown> }).$source ?? {};
  for (const [feature, label] of Object.entries(SOURCES)) if (feature in source) return label;
  return 'unmarked';
}
