/**
 * The `caBundle` option: a PEM file of the CA(s) that signed a private store's certificate (MinIO, Ceph RGW
 * behind an internal CA). Read once when the driver is created; the system CAs are
 * replaced, not extended, exactly as with `tls.ca` of the Kafka client.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FatalError } from '../../../core/errors.ts';

export function readCaBundle(file: string | undefined, baseDir: string): Buffer | undefined {
  if (!file) return undefined;
  const path = resolve(baseDir, file);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new FatalError(
      'DP_OBJECT_STORE_CONFIG',
      `object-store: \`caBundle\`: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { details: { field: 'caBundle' } },
    );
  }
}
