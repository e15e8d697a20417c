/**
 * The object-store backends, each as the composition root (src/cli/plugins.ts) registers it: its `driver:`
 * name and how to open it. Drivers are imported when first opened: the AWS, Azure and Google SDKs take
 * about a second each to load, which every `datapipe` command would otherwise pay.
 */
import { resolve } from 'node:path';
import { FatalError } from '../../../core/errors.ts';
import type { ObjectStoreDriver } from '../driver.ts';
import type { ObjectStoreOptions } from '../options.ts';
import { readCaBundle } from './ca-bundle.ts';

export interface ObjectStoreDriverPlugin {
  /** The `driver:` value that picks it. */
  readonly name: ObjectStoreOptions['driver'];
  open(opts: ObjectStoreOptions, baseDir: string): Promise<ObjectStoreDriver>;
}

export const fsDriver: ObjectStoreDriverPlugin = {
  name: 'fs',
  open: async (opts, baseDir) => {
    const { FsDriver } = await import('./fs.ts');
    return new FsDriver(resolve(baseDir, opts.path ?? '.'));
  },
};

export const s3Driver: ObjectStoreDriverPlugin = {
  name: 's3',
  open: async (opts, baseDir) => {
    const { S3Driver } = await import('./s3.ts');
    return new S3Driver(opts, readCaBundle(opts.caBundle, baseDir));
  },
};

export const azureBlobDriver: ObjectStoreDriverPlugin = {
  name: 'azure-blob',
  open: async (opts) => {
    const { AzureBlobDriver } = await import('./azure-blob.ts');
    return new AzureBlobDriver(opts);
  },
};

export const gcsDriver: ObjectStoreDriverPlugin = {
  name: 'gcs',
  open: async (opts) => {
    const { GcsDriver } = await import('./gcs.ts');
    return new GcsDriver(opts);
  },
};

/** The drivers registered in the composition root, by name; the `object-store` sink opens the one its options name. */
export interface DriverRegistry {
  open(opts: ObjectStoreOptions, baseDir: string): Promise<ObjectStoreDriver>;
}

export function driverRegistry(plugins: readonly ObjectStoreDriverPlugin[]): DriverRegistry {
  const byName = new Map<string, ObjectStoreDriverPlugin>();
  for (const plugin of plugins) {
    if (byName.has(plugin.name)) throw new Error(`object-store driver "${plugin.name}" is registered twice`);
    byName.set(plugin.name, plugin);
  }
  return {
    open: (opts, baseDir) => {
      const plugin = byName.get(opts.driver);
      if (plugin === undefined) {
        throw new FatalError(
          'DP_OBJECT_STORE_CONFIG',
          `object-store: driver "${opts.driver}" is not registered`,
          {
            details: { field: 'driver' },
          },
        );
      }
      return plugin.open(opts, baseDir);
    },
  };
}
