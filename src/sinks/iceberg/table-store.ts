/**
 * Reads and writes the table's files (s3://bucket/key locations) through the object-store sink's S3
 * driver, one client per bucket. Error classification (auth fatal, network and 5xx retryable) is the
 * driver's.
 */
import { FatalError } from '../../core/errors.ts';
import type { ObjectStoreDriver } from '../object-store/driver.ts';
import { objectStoreOptions } from '../object-store/options.ts';
import type { IcebergOptions } from './options.ts';

export class TableStore {
  readonly #opts: IcebergOptions['s3'];
  readonly #drivers = new Map<string, ObjectStoreDriver>();

  constructor(opts: IcebergOptions['s3']) {
    this.#opts = opts;
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
    const match = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(location);
    if (!match) {
      throw new FatalError(
        'DP_ICEBERG_LOCATION',
        `iceberg: table file location ${location} is not s3://bucket/key`,
      );
    }
    const [, bucket, key] = match as unknown as [string, string, string];
    let driver = this.#drivers.get(bucket);
    if (!driver) {
      const { S3Driver } = await import('../object-store/drivers/s3.ts');
      driver = new S3Driver(objectStoreOptions.parse({ driver: 's3', bucket, ...this.#opts }));
      this.#drivers.set(bucket, driver);
    }
    return { driver, key };
  }
}
