/**
 * Reads and writes the table's files through the object-store drivers the composition root registered
 * (the same registry as the object-store sink's, decision 0024), one client per bucket or
 * container, chosen by the location's scheme: s3:// (the `s3` options: AWS default chain, or keys by
 * reference; endpoint, path style and CA of an S3-compatible server), gs:// (the `gcs` options:
 * Application Default Credentials), abfss:// and wasbs:// (Azure Blob / ADLS Gen2 with the workload
 * identity). Error classification (auth fatal, network and 5xx retryable) is the drivers'.
 */
import { FatalError } from '../../core/errors.ts';
import type { ObjectStoreDriver } from '../object-store/driver.ts';
import type { DriverRegistry } from '../object-store/drivers/index.ts';
import { type ObjectStoreOptions, objectStoreOptions } from '../object-store/options.ts';
import type { IcebergOptions } from './options.ts';

/** The store of a table file location: which driver options reach it, and the key inside it. */
interface FileLocation {
  /** One driver per store: `s3://bucket`, `gs://bucket`, `https://account.blob.core.windows.net/container`. */
  readonly store: string;
  readonly key: string;
  readonly driver: Record<string, unknown>;
}

/** Where a table file location is, for the options of the sink; throws for a scheme no driver writes. */
export function fileLocation(location: string, opts: Pick<IcebergOptions, 's3' | 'gcs'>): FileLocation {
  const s3 = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(location);
  if (s3) {
    const [, bucket, key] = s3 as unknown as [string, string, string];
    return { store: `s3://${bucket}`, key, driver: { ...opts.s3, driver: 's3', bucket } };
  }
  const gs = /^gs:\/\/([^/]+)\/(.+)$/.exec(location);
  if (gs) {
    const [, bucket, key] = gs as unknown as [string, string, string];
    return { store: `gs://${bucket}`, key, driver: { ...opts.gcs, driver: 'gcs', bucket } };
  }
  // abfss://container@account.dfs.core.windows.net/key (ADLS Gen2) and wasbs://container@account.blob...:
  // the same account through the Blob endpoint.
  const azure = /^(?:abfss|wasbs):\/\/([^@/]+)@([a-z0-9]+)\.(?:dfs|blob)\.core\.windows\.net\/(.+)$/.exec(
    location,
  );
  if (azure) {
    const [, container, account, key] = azure as unknown as [string, string, string, string];
    const accountUrl = `https://${account}.blob.core.windows.net`;
    return {
      store: `${accountUrl}/${container}`,
      key,
      driver: { driver: 'azure-blob', accountUrl, container, auth: 'workload' },
    };
  }
  throw new FatalError(
    'DP_ICEBERG_LOCATION',
    `iceberg: table file location ${location} is not s3://, gs://, abfss:// or wasbs://bucket/key`,
  );
}

export class TableStore {
  readonly #opts: Pick<IcebergOptions, 's3' | 'gcs'>;
  readonly #baseDir: string;
  readonly #registry: DriverRegistry;
  readonly #drivers = new Map<string, ObjectStoreDriver>();

  /**
   * `baseDir`: where a relative `s3.caBundle` is (the pipeline file's folder); `registry`: the object-store
   * drivers of the composition root (src/cli/plugins.ts).
   */
  constructor(opts: Pick<IcebergOptions, 's3' | 'gcs'>, baseDir: string, registry: DriverRegistry) {
    this.#opts = opts;
    this.#baseDir = baseDir;
    this.#registry = registry;
  }

  async put(location: string, body: Uint8Array): Promise<void> {
    const { driver, key } = await this.#resolve(location);
    await driver.put(key, body);
  }

  async get(location: string): Promise<Buffer> {
    const { driver, key } = await this.#resolve(location);
    return driver.get(key);
  }

  async close(): Promise<void> {
    for (const driver of this.#drivers.values()) await driver.close();
    this.#drivers.clear();
  }

  async #resolve(location: string): Promise<{ driver: ObjectStoreDriver; key: string }> {
    const where = fileLocation(location, this.#opts);
    let driver = this.#drivers.get(where.store);
    if (!driver) {
      const opts: ObjectStoreOptions = objectStoreOptions.parse(where.driver);
      driver = await this.#registry.open(opts, this.#baseDir);
      this.#drivers.set(where.store, driver);
    }
    return { driver, key: where.key };
  }
}
