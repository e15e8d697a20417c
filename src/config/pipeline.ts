/**
 * Loading a pipeline file: schema validation plus the checks a schema cannot express
 * (unique sink names), each reported at its line.
 */
import { ConfigError, ConfigErrors } from './config-error.ts';
import { type LoadedConfig, loadConfigFile } from './load.ts';
import { type PipelineConfig, pipelineSchema } from './pipeline-schema.ts';

export function loadPipelineFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig<PipelineConfig> {
  const loaded = loadConfigFile(file, pipelineSchema, env);
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
