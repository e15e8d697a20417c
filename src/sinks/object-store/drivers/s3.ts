/**
 * AWS S3 and S3-compatible servers through the AWS SDK v3. Uploads go through @aws-sdk/lib-storage, which
 * switches to a multipart upload above `partSize`; S3 makes an object visible only once it is complete.
 * Credentials: see s3-credentials.ts (static keys from secret references, else the AWS default chain: IRSA,
 * EKS Pod Identity, instance metadata). S3-compatible servers (MinIO, Ceph RGW): `endpoint`,
 * `forcePathStyle` and, behind a private CA, `caBundle`.
 */
import { Agent } from 'node:https';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { FatalError, RetryableError } from '../../../core/errors.ts';
import {
  bodyBytes,
  contentTypeOf,
  type ObjectBody,
  type ObjectStoreDriver,
  tlsVerifyCode,
} from '../driver.ts';
import type { ObjectStoreOptions } from '../options.ts';
import { s3Credentials } from './s3-credentials.ts';

export class S3Driver implements ObjectStoreDriver {
  readonly location: string;
  /** Public for observation (tests count the requests through its middleware stack). */
  readonly client: S3Client;
  readonly #bucket: string;
  readonly #opts: ObjectStoreOptions;

  /** How the driver authenticates (for logs and tests; never a secret). */
  readonly authMode: string;

  /** `ca`: the PEM bundle of the `caBundle` option, already read. */
  constructor(opts: ObjectStoreOptions, ca?: Buffer) {
    this.#opts = opts;
    this.#bucket = opts.bucket ?? '';
    this.location = `s3://${this.#bucket}`;
    const config: S3ClientConfig = {
      region: opts.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
      forcePathStyle: opts.forcePathStyle,
    };
    if (opts.endpoint) {
      config.endpoint = opts.endpoint;
      // S3-compatible servers often reject the SDK's default CRC32 checksum headers (501 NotImplemented);
      // send checksums only where the API requires them. AWS itself keeps the SDK defaults.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    if (ca) config.requestHandler = { httpsAgent: new Agent({ ca, keepAlive: true }) };
    const credentials = s3Credentials(opts);
    config.credentials = credentials.credentials;
    this.authMode = credentials.mode;
    this.client = new S3Client(config);
  }

  async check(): Promise<void> {
    await this.#call(`cannot reach bucket ${this.#bucket}`, () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.#bucket })),
    );
  }

  async put(name: string, body: ObjectBody): Promise<void> {
    const upload = new Upload({
      client: this.client,
      partSize: this.#opts.partSize,
      queueSize: 4,
      leavePartsOnError: false,
      params: {
        Bucket: this.#bucket,
        Key: name,
        Body: bodyBytes(body),
        ContentType: contentTypeOf(name),
        ...(this.#opts.sse ? { ServerSideEncryption: this.#opts.sse } : {}),
        ...(this.#opts.kmsKeyId ? { SSEKMSKeyId: this.#opts.kmsKeyId } : {}),
      },
    });
    await this.#call(`cannot upload ${name} to ${this.location}`, () => upload.done());
  }

  async *list(prefix: string): AsyncIterable<string> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.#bucket, Prefix: prefix });
    const iterator = pages[Symbol.asyncIterator]();
    while (true) {
      const page = await this.#call(`cannot list ${this.location}/${prefix}`, () => iterator.next());
      if (page.done) return;
      for (const object of page.value.Contents ?? []) if (object.Key) yield object.Key;
    }
  }

  async get(name: string): Promise<Buffer> {
    const response = await this.#call(`cannot read ${name} from ${this.location}`, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: name })),
    );
    if (!response.Body) return Buffer.alloc(0);
    return Buffer.from(await response.Body.transformToByteArray());
  }

  async delete(name: string): Promise<void> {
    await this.#call(`cannot delete ${name} from ${this.location}`, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: name })),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  async #call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw classifyS3Error(err, what);
    }
  }
}

const AUTH_ERRORS = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
  'AllAccessDisabled',
  'AccountProblem',
]);
const CONFIG_ERRORS = new Set(['NoSuchBucket', 'NotFound', 'InvalidBucketName', 'KMS.NotFoundException']);
/** The server will never do this: retrying cannot help. */
const UNSUPPORTED = new Set(['NotImplemented']);
const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'TooManyRequests',
]);

/** Auth and a missing bucket are fatal; network, throttling and 5xx are retryable; other 4xx are fatal. */
export function classifyS3Error(err: unknown, what: string): Error {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.code ?? 'Error';
  const message = `${what}: ${name}${err instanceof Error && err.message && err.message !== name ? ` (${err.message})` : ''}`;
  const details = { status: status ?? 0, error: name };
  const tls = tlsVerifyCode(err);
  if (tls) {
    return new FatalError(
      'DP_OBJECT_STORE_TLS',
      `${what}: ${tls} (set \`caBundle\` to the CA that signed the endpoint)`,
      {
        cause: err,
        details: { status: 0, error: tls },
      },
    );
  }
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) {
    return new FatalError('DP_OBJECT_STORE_AUTH', message, { cause: err, details });
  }
  if (CONFIG_ERRORS.has(name) || (status === 404 && !THROTTLING.has(name))) {
    return new FatalError('DP_OBJECT_STORE_NOT_FOUND', message, { cause: err, details });
  }
  if (UNSUPPORTED.has(name))
    return new FatalError('DP_OBJECT_STORE_REJECTED', message, { cause: err, details });
  if (THROTTLING.has(name) || status === undefined || status >= 500 || status === 408 || status === 429) {
    return new RetryableError('DP_OBJECT_STORE_UNAVAILABLE', message, { cause: err, details });
  }
  return new FatalError('DP_OBJECT_STORE_REJECTED', message, { cause: err, details });
}
