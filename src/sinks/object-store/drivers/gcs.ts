/**
 * Google Cloud Storage through @google-cloud/storage. An object is visible only once its upload is
 * finalised (a single request up to `partSize`, a resumable upload in `partSize` chunks above it), so a
 * reader sees it whole or not at all. Credentials: Application Default Credentials (GKE Workload
 * Identity through the metadata server, a workload identity federation file in
 * GOOGLE_APPLICATION_CREDENTIALS elsewhere); `auth: none` sends none, for a GCS-API emulator at
 * `endpoint`. `check()` lists one object instead of reading the bucket's metadata: the roles a writer
 * gets (roles/storage.objectUser, objectAdmin) allow listing objects but not `storage.buckets.get`.
 */
import { type Bucket, Storage, type StorageOptions } from '@google-cloud/storage';
import { FatalError, RetryableError } from '../../../core/errors.ts';
import {
  bodyBytes,
  contentTypeOf,
  type ObjectBody,
  type ObjectStoreDriver,
  tlsVerifyCode,
} from '../driver.ts';
import type { ObjectStoreOptions } from '../options.ts';
import { nativeCrc32cGenerator } from './gcs-crc32c.ts';

/** The Storage client options each configuration selects (pure: unit-tested without a server). */
export function gcsClientOptions(opts: ObjectStoreOptions): StorageOptions & { authMode: string } {
  const options: StorageOptions & { authMode: string } = {
    authMode: opts.auth === 'none' ? 'none' : 'application-default',
    // The engine retries with its own backoff; a couple of quick client retries absorb dropped connections.
    retryOptions: { autoRetry: true, maxRetries: 2, maxRetryDelay: 2, totalTimeout: 30 },
  };
  const crc32cGenerator = nativeCrc32cGenerator();
  if (crc32cGenerator) options.crc32cGenerator = crc32cGenerator;
  if (opts.endpoint) {
    options.apiEndpoint = opts.endpoint.replace(/\/$/, '');
    // With a custom endpoint the client sends no credentials unless told to: only `auth: none` skips them.
    options.useAuthWithCustomEndpoint = opts.auth !== 'none';
  }
  return options;
}

export class GcsDriver implements ObjectStoreDriver {
  readonly location: string;
  /** How the driver authenticates (for logs and tests; never a secret). */
  readonly authMode: string;
  readonly #storage: Storage;
  readonly #bucket: Bucket;
  readonly #partSize: number;

  constructor(opts: ObjectStoreOptions) {
    const { authMode, ...options } = gcsClientOptions(opts);
    this.authMode = authMode;
    this.#storage = new Storage(options);
    this.#bucket = this.#storage.bucket(opts.bucket ?? '');
    this.#partSize = opts.partSize;
    this.location = `gs://${this.#bucket.name}`;
  }

  async check(): Promise<void> {
    await this.#call(`cannot reach bucket ${this.location}`, () =>
      this.#bucket.getFiles({ maxResults: 1, autoPaginate: false }),
    );
  }

  async put(name: string, body: ObjectBody): Promise<void> {
    const bytes = bodyBytes(body);
    const resumable = bytes.byteLength > this.#partSize;
    await this.#call(`cannot upload ${name} to ${this.location}`, () =>
      this.#bucket.file(name).save(bytes, {
        resumable,
        ...(resumable ? { chunkSize: this.#partSize } : {}),
        contentType: contentTypeOf(name),
        validation: 'crc32c',
      }),
    );
  }

  async *list(prefix: string): AsyncIterable<string> {
    let pageToken: string | undefined;
    do {
      const [files, next] = await this.#call(`cannot list ${this.location}/${prefix}`, () =>
        this.#bucket.getFiles({ prefix, autoPaginate: false, maxResults: 1000, pageToken }),
      );
      for (const file of files) yield file.name;
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }

  async get(name: string): Promise<Buffer> {
    const [body] = await this.#call(`cannot read ${name} from ${this.location}`, () =>
      this.#bucket.file(name).download(),
    );
    return body;
  }

  async delete(name: string): Promise<void> {
    await this.#call(`cannot delete ${name} from ${this.location}`, () =>
      this.#bucket.file(name).delete({ ignoreNotFound: true }),
    );
  }

  async close(): Promise<void> {}

  async #call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw classifyGcsError(err, what);
    }
  }
}

/** Auth and a missing bucket are fatal; network, throttling and 5xx retryable; other 4xx fatal. */
function classifyGcsError(err: unknown, what: string): Error {
  const e = err as { code?: number | string; status?: number; errors?: { reason?: string }[] };
  const status = typeof e.code === 'number' ? e.code : e.status;
  const reason = e.errors?.[0]?.reason ?? (typeof e.code === 'string' ? e.code : undefined) ?? 'Error';
  const message = `${what}: ${reason}${status ? ` (HTTP ${status})` : ''}`;
  const details = { status: status ?? 0, error: reason };
  const tls = tlsVerifyCode(err);
  if (tls) {
    return new FatalError(
      'DP_OBJECT_STORE_TLS',
      `${what}: ${tls} (trust the endpoint's CA with NODE_EXTRA_CA_CERTS)`,
      {
        cause: err,
        details: { status: 0, error: tls },
      },
    );
  }
  // google-auth-library found no credentials at all: a configuration problem, not an outage.
  const noCredentials = err instanceof Error && /could not load the default credentials/i.test(err.message);
  if (status === 401 || status === 403 || noCredentials) {
    return new FatalError('DP_OBJECT_STORE_AUTH', message, { cause: err, details });
  }
  if (status === 404) return new FatalError('DP_OBJECT_STORE_NOT_FOUND', message, { cause: err, details });
  if (status === undefined || status >= 500 || status === 408 || status === 429) {
    return new RetryableError('DP_OBJECT_STORE_UNAVAILABLE', message, { cause: err, details });
  }
  return new FatalError('DP_OBJECT_STORE_REJECTED', message, { cause: err, details });
}
