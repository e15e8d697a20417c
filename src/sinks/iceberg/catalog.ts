/**
 * A small client of the Iceberg REST catalog protocol (the endpoints an appending writer needs):
 * https://github.com/apache/iceberg/blob/main/open-api/rest-catalog-open-api.yaml
 * Errors are classified for the engine: unreachable or 5xx → RetryableError; 401/403 → FatalError;
 * 409 on a commit → CommitConflict (the caller reloads and tries again). JSON numbers beyond 2^53
 * (snapshot ids of other writers) are kept exact as BigInts both ways.
 */
import { FatalError, RetryableError } from '../../core/errors.ts';
import type { CatalogAuthorizer } from './catalog-auth.ts';
import type { PartitionSpec } from './partitioning.ts';
import type { IcebergSchema } from './schema.ts';

export interface TableMetadata {
  readonly 'format-version': number;
  readonly 'table-uuid': string;
  readonly location: string;
  readonly 'last-sequence-number'?: number;
  readonly 'last-column-id': number;
  readonly 'current-schema-id': number;
  readonly schemas: readonly IcebergSchema[];
  readonly 'default-spec-id': number;
  readonly 'partition-specs': readonly PartitionSpec[];
  readonly properties?: Readonly<Record<string, string>>;
  readonly 'current-snapshot-id'?: bigint | number | null;
  readonly snapshots?: ReadonlyArray<{
    readonly 'snapshot-id': bigint | number;
    readonly 'manifest-list': string;
  }>;
}

export interface TableRequirement {
  readonly type: string;
  readonly [key: string]: unknown;
}
export interface TableUpdate {
  readonly action: string;
  readonly [key: string]: unknown;
}

/** The catalog refused a commit because the table changed since it was loaded (HTTP 409). */
export class CommitConflict extends Error {}

export interface CatalogOptions {
  readonly uri: string;
  readonly warehouse?: string | undefined;
  /** The headers that authenticate each request (catalog-auth.ts); none when absent. */
  readonly authorize?: CatalogAuthorizer;
  /** Fixed headers of every request (never a secret). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source &&
    /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value,
  );
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? rawJSON(v.toString()) : v));
}

export class RestCatalog {
  readonly #opts: CatalogOptions;
  #prefix: string | undefined;

  constructor(opts: CatalogOptions) {
    this.#opts = opts;
  }

  /** GET /v1/config: proves the catalog answers and learns its path prefix for the warehouse. */
  async connect(): Promise<void> {
    const query = this.#opts.warehouse ? `?warehouse=${encodeURIComponent(this.#opts.warehouse)}` : '';
    const config = (await this.#request('GET', `/v1/config${query}`)) as {
      overrides?: Record<string, string>;
      defaults?: Record<string, string>;
    };
    const prefix = config.overrides?.['prefix'] ?? config.defaults?.['prefix'];
    this.#prefix = prefix ? `/${prefix.split('/').map(encodeURIComponent).join('/')}` : '';
  }

  /** `location`: the namespace's location property (where catalogs such as Glue put its tables). */
  async createNamespace(namespace: readonly string[], location?: string): Promise<void> {
    try {
      await this.#request('POST', `${this.#base()}/namespaces`, {
        namespace,
        properties: location ? { location } : {},
      });
    } catch (err) {
      if (!(err instanceof CatalogStatus && err.status === 409)) throw err; // 409: it exists already
    }
  }

  /** The table's metadata, or undefined when the table (or its namespace) does not exist. */
  async loadTable(namespace: readonly string[], table: string): Promise<TableMetadata | undefined> {
    try {
      const result = (await this.#request('GET', this.#tablePath(namespace, table))) as {
        metadata: TableMetadata;
      };
      return result.metadata;
    } catch (err) {
      if (err instanceof CatalogStatus && err.status === 404) return undefined;
      throw err;
    }
  }

  async createTable(
    namespace: readonly string[],
    table: string,
    schema: IcebergSchema,
    spec: PartitionSpec,
    location?: string,
  ): Promise<TableMetadata> {
    try {
      const result = (await this.#request('POST', `${this.#base()}/namespaces/${nsPath(namespace)}/tables`, {
        name: table,
        ...(location ? { location } : {}),
        schema,
        'partition-spec': spec,
        'stage-create': false,
        properties: { 'format-version': '2' },
      })) as { metadata: TableMetadata };
      return result.metadata;
    } catch (err) {
      // Another writer created it between our load and our create: use theirs.
      if (err instanceof CatalogStatus && err.status === 409) {
        const existing = await this.loadTable(namespace, table);
        if (existing) return existing;
      }
      throw err;
    }
  }

  /** POST the commit; 409 → CommitConflict. Any other failure leaves the outcome unknown (retryable). */
  async commitTable(
    namespace: readonly string[],
    table: string,
    requirements: readonly TableRequirement[],
    updates: readonly TableUpdate[],
  ): Promise<TableMetadata> {
    try {
      const result = (await this.#request('POST', this.#tablePath(namespace, table), {
        identifier: { namespace, name: table },
        requirements,
        updates,
      })) as { metadata: TableMetadata };
      return result.metadata;
    } catch (err) {
      if (err instanceof CatalogStatus && err.status === 409) throw new CommitConflict(err.message);
      throw err;
    }
  }

  #base(): string {
    if (this.#prefix === undefined) {
      throw new RetryableError('DP_ICEBERG_NOT_CONNECTED', 'the iceberg sink is not connected');
    }
    return `/v1${this.#prefix}`;
  }

  #tablePath(namespace: readonly string[], table: string): string {
    return `${this.#base()}/namespaces/${nsPath(namespace)}/tables/${encodeURIComponent(table)}`;
  }

  async #request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(`${this.#opts.uri.replace(/\/+$/, '')}${path}`);
    const headers: Record<string, string> = { ...this.#opts.headers, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const text = body !== undefined ? toJson(body) : undefined;
    const auth = this.#opts.authorize
      ? await this.#opts.authorize({ method, url, headers, ...(text !== undefined ? { body: text } : {}) })
      : {};
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...headers, ...auth },
        ...(text !== undefined ? { body: text } : {}),
        signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new RetryableError(
        'DP_ICEBERG_UNAVAILABLE',
        `iceberg catalog ${method} ${path}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const answer = await response.text();
    if (response.ok) return answer ? parseJson(answer) : undefined;
    const message = `iceberg catalog ${method} ${path}: HTTP ${response.status} ${errorMessage(answer)}`;
    const details = { status: response.status };
    if (response.status === 401 || response.status === 403) {
      throw new FatalError('DP_ICEBERG_AUTH', message, { details });
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new RetryableError('DP_ICEBERG_UNAVAILABLE', message, { details });
    }
    if (response.status === 404 || response.status === 409) throw new CatalogStatus(response.status, message);
    throw new FatalError('DP_ICEBERG_REJECTED', message, { details });
  }
}

/** A 404 or 409 answer, which the caller turns into a decision. */
class CatalogStatus extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Multi-level namespaces are joined with the unit separator (0x1F) in paths. */
function nsPath(namespace: readonly string[]): string {
  return encodeURIComponent(namespace.join('\u001f'));
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { type?: string; message?: string } };
    if (parsed.error) return `${parsed.error.type ?? ''}: ${parsed.error.message ?? ''}`.slice(0, 500);
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
