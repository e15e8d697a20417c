/**
 * Picks the driver named by the `driver` option. Drivers are imported when first used: the AWS, Azure and
 * Google SDKs take about a second each to load, which every `datapipe` command would otherwise pay.
 */
import { resolve } from 'node:path';
import type { ObjectStoreDriver } from '../driver.ts';
import type { ObjectStoreOptions } from '../options.ts';
import { readCaBundle } from './ca-bundle.ts';

export async function createDriver(opts: ObjectStoreOptions, baseDir: string): Promise<ObjectStoreDriver> {
  switch (opts.driver) {
    case 'fs': {
      const { FsDriver } = await import('./fs.ts');
      return new FsDriver(resolve(baseDir, opts.path ?? '.'));
    }
    case 's3': {
      const { S3Driver } = await import('./s3.ts');
      return new S3Driver(opts, readCaBundle(opts.caBundle, baseDir));
    }
    case 'azure-blob': {
      const { AzureBlobDriver } = await import('./azure-blob.ts');
      return new AzureBlobDriver(opts);
    }
    case 'gcs': {
      const { GcsDriver } = await import('./gcs.ts');
      return new GcsDriver(opts);
    }
  }
}
