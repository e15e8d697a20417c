/**
 * Loading a pipeline file: bindings applied, schema validation plus the checks a schema cannot
 * express (unique sink names, and each plugin's own cross-field rules), each reported at its line.
 * `validate` and `run` both load through here, so a pipeline `validate` accepts does not fail `run` on
 * its options.
 */
import { dirname, resolve } from 'node:path';
import type { OptionsProblem, PipelinePlugins } from '../core/plugin.ts';
import { applyBindings, type Bindings } from './bindings.ts';
import { ConfigError, ConfigErrors, formatFieldPath } from './config-error.ts';
import { type LoadedConfig, validateYaml } from './load.ts';
import { type PipelineConfig, pipelineSchema } from './pipeline-schema.ts';
import { readYamlFile } from './yaml-file.ts';

/**
 * `bindings` resolves the platform resources the pipeline names (`store:`, `kafka:`, `connection:`);
 * without it, a pipeline that names one is an error at that line.
 */
export function loadPipelineFile(
  file: string,
  plugins: PipelinePlugins,
  env: NodeJS.ProcessEnv = process.env,
  bindings?: Bindings,
): LoadedConfig<PipelineConfig> {
  const yaml = readYamlFile(file);
  const baseDir = dirname(resolve(file));
  const bound = { ...yaml, data: applyBindings(yaml, plugins, bindings) };
  const loaded = { file, baseDir, yaml, config: validateYaml(bound, pipelineSchema(plugins), env, baseDir) };
  const problems: ConfigError[] = [];
  const report = (path: ReadonlyArray<string | number>, reason: string) =>
    problems.push(new ConfigError(loaded.yaml.locate(path), formatFieldPath(path), reason));
  const seen = new Set<string>();
  loaded.config.sinks.forEach((sink, i) => {
    const name = (sink as { name: string }).name;
    if (seen.has(name)) report(['sinks', i, 'name'], `duplicate sink name "${name}"`);
    seen.add(name);
  });
  const reportAll = (at: ReadonlyArray<string | number>, found: readonly OptionsProblem[] | undefined) => {
    for (const p of found ?? []) report([...at, ...p.path], p.reason);
  };
  const { source, sinks, deadLetter } = loaded.config;
  const sourcePlugin = plugins.sources.find((p) => p.type === source['type']);
  reportAll(['source'], sourcePlugin?.check?.(source));
  const sinkProblems = (sink: Record<string, unknown>) =>
    plugins.sinks.find((p) => p.type === sink['type'])?.check?.(sink);
  sinks.forEach((sink, i) => {
    reportAll(['sinks', i], sinkProblems(sink));
  });
  if (deadLetter !== undefined) reportAll(['deadLetter'], sinkProblems(deadLetter));
  if (problems.length > 0) throw new ConfigErrors(problems);
  return loaded;
}
