/**
 * Azure Blob Storage (and Azurite) through @azure/storage-blob. Block blobs are committed in one step after
 * all blocks are staged, so an object is visible whole or not at all. Credentials (azure-credentials.ts): a
 * connection string, or an account URL with an account key, a SAS token or the workload's Entra identity.
 */
import {
  BlobServiceClient,
  type ContainerClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { FatalError, RetryableError } from '../../../core/errors.ts';
import { bodyBytes, contentTypeOf, type ObjectBody, type ObjectStoreDriver } from '../driver.ts';
import type { ObjectStoreOptions } from '../options.ts';
import { type AzureAuth, azureAuth } from './azure-credentials.ts';

export class AzureBlobDriver implements ObjectStoreDriver {
  readonly location: string;
  readonly #container: ContainerClient;
  readonly #partSize: number;
  /** How the driver authenticates (for logs and tests; never a secret). */
  readonly authMode: AzureAuth['mode'];

  constructor(opts: ObjectStoreOptions) {
    const container = opts.container ?? '';
    // The engine retries with its own backoff; a few quick SDK retries absorb single dropped connections.
    const pipeline: StoragePipelineOptions = { retryOptions: { maxTries: 3, maxRetryDelayInMs: 2000 } };
    const auth = azureAuth(opts);
    this.authMode = auth.mode;
    const service = serviceFor(opts.accountUrl ?? '', opts.accountName, auth, pipeline);
    this.#container = service.getContainerClient(container);
    this.#partSize = opts.partSize;
    this.location = `azure-blob://${service.accountName}/${container}`;
  }

  async check(): Promise<void> {
    await this.#call(`cannot reach container ${this.location}`, () => this.#container.getProperties());
  }

  async put(name: string, body: ObjectBody): Promise<void> {
    await this.#call(`cannot upload ${name} to ${this.location}`, () =>
      this.#container.getBlockBlobClient(name).uploadData(bodyBytes(body), {
        blockSize: this.#partSize,
        maxSingleShotSize: this.#partSize,
        concurrency: 4,
        blobHTTPHeaders: { blobContentType: contentTypeOf(name) },
      }),
    );
  }

  async *list(prefix: string): AsyncIterable<string> {
    const pages = this.#container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 5000 });
    while (true) {
      const page = await this.#call(`cannot list ${this.location}/${prefix}`, () => pages.next());
      if (page.done) return;
      for (const blob of page.value.segment.blobItems) yield blob.name;
    }
  }

  async get(name: string): Promise<Buffer> {
    return this.#call(`cannot read ${name} from ${this.location}`, () =>
      this.#container.getBlockBlobClient(name).downloadToBuffer(),
    );
  }

  async delete(name: string): Promise<void> {
    await this.#call(`cannot delete ${name} from ${this.location}`, () =>
      this.#container.getBlockBlobClient(name).deleteIfExists(),
    );
  }

  async close(): Promise<void> {}

  async #call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw classifyAzureError(err, what);
    }
  }
}

function serviceFor(
  url: string,
  accountName: string | undefined,
  auth: AzureAuth,
  pipeline: StoragePipelineOptions,
): BlobServiceClient {
  switch (auth.mode) {
    case 'connection-string':
      return BlobServiceClient.fromConnectionString(auth.connectionString, pipeline);
    case 'account-key': {
      const account = accountName ?? accountNameOf(url);
      return new BlobServiceClient(url, new StorageSharedKeyCredential(account, auth.accountKey), pipeline);
    }
    case 'sas':
      return new BlobServiceClient(
        `${url.replace(/\/$/, '')}?${auth.sasToken.replace(/^\?/, '')}`,
        undefined,
        pipeline,
      );
    default:
      return new BlobServiceClient(url, auth.credential, pipeline);
  }
}

/** `https://NAME.blob.core.windows.net` or, for Azurite and other emulators, `http://host:port/NAME`. */
function accountNameOf(url: string): string {
  const parsed = new URL(url);
  const first = parsed.hostname.split('.')[0] ?? '';
  if (parsed.hostname.includes('.blob.')) return first;
  return parsed.pathname.split('/').find((s) => s.length > 0) ?? first;
}

const AUTH_CODES = new Set([
  'AuthorizationFailure',
  'AuthenticationFailed',
  'AuthorizationPermissionMismatch',
  'AuthorizationSourceIPMismatch',
  'AuthorizationProtocolMismatch',
  'AuthorizationResourceTypeMismatch',
  'AuthorizationServiceMismatch',
  'InsufficientAccountPermissions',
  'AccountIsDisabled',
]);
const NOT_FOUND_CODES = new Set(['ContainerNotFound', 'ContainerBeingDeleted', 'ContainerDisabled']);
const THROTTLING_CODES = new Set(['ServerBusy', 'OperationTimedOut', 'InternalError']);

/** Auth and a missing container are fatal; network, throttling and 5xx retryable; other 4xx fatal. */
export function classifyAzureError(err: unknown, what: string): Error {
  const e = err as { name?: string; code?: string; statusCode?: number; details?: { errorCode?: string } };
  const code = e.details?.errorCode ?? e.code ?? e.name ?? 'Error';
  const status = e.statusCode;
  const message = `${what}: ${code}${status ? ` (HTTP ${status})` : ''}`;
  const details = { status: status ?? 0, error: code };
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    return new FatalError('DP_OBJECT_STORE_AUTH', message, { cause: err, details });
  }
  if (NOT_FOUND_CODES.has(code) || status === 404) {
    return new FatalError('DP_OBJECT_STORE_NOT_FOUND', message, { cause: err, details });
  }
  if (
    THROTTLING_CODES.has(code) ||
    status === undefined ||
    status >= 500 ||
    status === 408 ||
    status === 429
  ) {
    return new RetryableError('DP_OBJECT_STORE_UNAVAILABLE', message, { cause: err, details });
  }
  return new FatalError('DP_OBJECT_STORE_REJECTED', message, { cause: err, details });
}
