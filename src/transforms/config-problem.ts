import { ConfigError, formatFieldPath } from '../config/config-error.ts';
import type { LoadedConfig } from '../config/load.ts';

/** A problem found after validation (an expression that does not compile...), reported at its line. */
export function configProblem(
  loaded: LoadedConfig<unknown>,
  path: ReadonlyArray<string | number>,
  reason: string,
): ConfigError {
  return new ConfigError(loaded.yaml.locate(path), formatFieldPath(path), reason);
}
