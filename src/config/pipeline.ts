/**
 * Loading a pipeline file: bindings applied, schema validation plus the checks a schema cannot
 * express (unique sink names), each reported at its line.
 */
import { dirname, resolve } from 'node:path';
import { applyBindings, type Bindings } from './bindings.ts';
import { ConfigError, ConfigErrors } from './config-error.ts';
import { type LoadedConfig, validateYaml } from './load.ts';
import { type PipelineConfig, pipelineSchema } from './pipeline-schema.ts';
import { readYamlFile } from './yaml-file.ts';

/**
 * `bindings` resolves the platform resources the pipeline names (`store:`, `kafka:`, `connection:`);
 * without it, a pipeline that names one is an error at that line.
 */
export function loadPipelineFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  bindings?: Bindings,
): LoadedConfig<PipelineConfig> {
  const yaml = readYamlFile(file);
  const baseDir = dirname(resolve(file));
  const bound = { ...yaml, data: applyBindings(yaml, bindings) };
  const loaded = { file, baseDir, yaml, config: validateYaml(bound, pipelineSchema, env, baseDir) };
  const problems: ConfigError[] = [];
  const seen = new Set<string>();
  loaded.config.sinks.forEach((sink, i) => {
    const name = (sink as { name: string }).name;
    if (seen.has(name)) {
      problems.push(
        new ConfigError(
          loaded.yaml.locate(['sinks', i, 'name']),
          `sinks[${i}].name`,
          `duplicate sink name "${name}"`,
        ),
      );
    }
    seen.add(name);
  });
  if (problems.length > 0) throw new ConfigErrors(problems);
  return loaded;
}
