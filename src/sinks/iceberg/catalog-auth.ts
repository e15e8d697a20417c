/**
 * How the iceberg sink authenticates to its REST catalog, with the workload's own identity where the
 * catalog is a cloud's (docs/decisions/0070-iceberg-catalog-binding.md):
 *  - `none`: nothing (a catalog inside the platform's network, the local test catalog);
 *  - `bearer`: `Authorization: Bearer <token>`, the token a secret reference;
 *  - `sigv4`: AWS Signature Version 4 (the AWS Glue Iceberg REST endpoint signs for service `glue`), with
 *    the credentials of the AWS SDK's default chain, the same chain as the s3 driver (IRSA, EKS Pod
 *    Identity, ...), signed by the SDK's own signer (@smithy/signature-v4);
 *  - `google`: an OAuth access token from Application Default Credentials (google-auth-library: GKE
 *    Workload Identity), as BigLake's Iceberg REST catalog expects.
 * The SDKs are loaded only by the mode that needs them.
 */
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { SignatureV4 } from '@smithy/signature-v4';
import { FatalError, RetryableError } from '../../core/errors.ts';

export const CATALOG_AUTH_MODES = ['none', 'bearer', 'sigv4', 'google'] as const;
type CatalogAuthMode = (typeof CATALOG_AUTH_MODES)[number];

/** One catalog request, before it is sent. */
interface CatalogRequest {
  readonly method: string;
  readonly url: URL;
  /** Headers already set (content-type, accept, fixed headers): signed with the request. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Returns the headers that authenticate one request (none for `none`). */
export type CatalogAuthorizer = (request: CatalogRequest) => Promise<Record<string, string>>;

interface CatalogAuthOptions {
  readonly auth: CatalogAuthMode;
  readonly token?: string | undefined;
  /** sigv4: the region of the signature (defaults to AWS_REGION). */
  readonly signingRegion?: string | undefined;
  /** sigv4: the service name of the signature, `glue` for AWS Glue. */
  readonly signingName?: string | undefined;
}

export function catalogAuthorizer(opts: CatalogAuthOptions): CatalogAuthorizer {
  switch (opts.auth) {
    case 'none':
      return async () => ({});
    case 'bearer': {
      const header = { authorization: `Bearer ${opts.token ?? ''}` };
      return async () => header;
    }
    case 'sigv4':
      return sigv4Authorizer(opts);
    case 'google':
      return googleAuthorizer();
  }
}

function sigv4Authorizer(opts: CatalogAuthOptions): CatalogAuthorizer {
  const region = opts.signingRegion ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) {
    throw new FatalError(
      'DP_ICEBERG_CONFIG',
      'iceberg: `auth: sigv4` needs `signingRegion` (or AWS_REGION in the environment)',
      { details: { field: 'signingRegion' } },
    );
  }
  // The default chain caches its credentials and refreshes them before they expire; the signer asks
  // it for them at every request.
  let chain: AwsCredentialIdentityProvider | undefined;
  const credentials: AwsCredentialIdentityProvider = async () => {
    try {
      if (!chain) {
        const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
        chain = fromNodeProviderChain();
      }
      return await chain();
    } catch (err) {
      throw new FatalError(
        'DP_ICEBERG_AUTH',
        `iceberg: no AWS credentials for sigv4 (IRSA, Pod Identity or the environment): ${(err as Error).message}`,
      );
    }
  };
  const sign = sigv4Signer(credentials, region, opts.signingName ?? 'glue');
  return (request) => sign(request);
}

/** Returns the headers of a SigV4-signed request: `authorization`, `x-amz-date`, the session token if any. */
type SigV4Sign = (request: CatalogRequest, signingDate?: Date) => Promise<Record<string, string>>;

/**
 * One SigV4 signer for every request of a catalog client: the SDK's signer is built once, at the first
 * request (the SDK is loaded only then), and keeps its signing-key cache between requests. `credentials`
 * is either fixed or a provider, asked at every request.
 */
export function sigv4Signer(
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  region: string,
  service: string,
): SigV4Sign {
  let signer: Promise<SignatureV4> | undefined;
  return async (request, signingDate) => {
    signer ??= import('@smithy/signature-v4').then(
      ({ SignatureV4 }) =>
        new SignatureV4({
          credentials,
          region,
          service,
          sha256: NodeSha256,
          // Only S3 needs the x-amz-content-sha256 header; the payload hash is part of the signature anyway.
          applyChecksum: false,
        }),
    );
    const { url } = request;
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const seen = query[key];
      query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const signed = await (await signer).sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers: { ...request.headers, host: url.host },
        ...(request.body !== undefined ? { body: request.body } : {}),
      },
      signingDate ? { signingDate } : {},
    );
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      const lower = name.toLowerCase();
      // fetch sets Host itself, to the same url.host that was signed.
      if (lower === 'host' || lower in request.headers) continue;
      out[lower] = value;
    }
    return out;
  };
}

/** The Checksum constructor @smithy/signature-v4 takes: SHA-256, or HMAC-SHA-256 with a secret. */
class NodeSha256 {
  readonly #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret
      ? createHmac('sha256', typeof secret === 'string' ? secret : toBytes(secret))
      : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    throw new Error('not used by the signer');
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

const GOOGLE_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

function googleAuthorizer(): CatalogAuthorizer {
  let client: { getAccessToken(): Promise<string | null | undefined> } | undefined;
  return async () => {
    try {
      if (!client) {
        const { GoogleAuth } = await import('google-auth-library');
        client = new GoogleAuth({ scopes: [GOOGLE_SCOPE] });
      }
      const token = await client.getAccessToken();
      if (!token) throw new Error('Application Default Credentials gave no access token');
      return { authorization: `Bearer ${token}` };
    } catch (err) {
      // The metadata server of GKE may be slow to answer; a missing ADC is said in the message.
      throw new RetryableError(
        'DP_ICEBERG_UNAVAILABLE',
        `iceberg: no Google access token (Application Default Credentials, GKE Workload Identity): ${(err as Error).message}`,
        { cause: err },
      );
    }
  };
}
