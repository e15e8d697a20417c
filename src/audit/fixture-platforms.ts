/** Where the realistic fixture platforms live (test/fixtures/platforms), for tests and benchmarks. */
import { fileURLToPath } from 'node:url';

export const PLATFORMS_DIR = fileURLToPath(new URL('../../test/fixtures/platforms/', import.meta.url));

export function platformDir(name: 'aws-origin' | 'azure-shop'): string {
  return `${PLATFORMS_DIR}${name}`;
}

/** Four AWS couplings in three manifests, priced by hand in its README (test/fixtures/small-aws-platform). */
export const SMALL_AWS_PLATFORM = fileURLToPath(
  new URL('../../test/fixtures/small-aws-platform', import.meta.url),
);

/** Two files of a platform on Scaleway (test/fixtures/small-scaleway-platform), for import. */
export const SMALL_SCALEWAY_PLATFORM = fileURLToPath(
  new URL('../../test/fixtures/small-scaleway-platform', import.meta.url),
);
