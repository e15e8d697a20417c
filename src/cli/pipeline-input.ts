/** The pipeline file plus its `--bindings FILE`, as every command that loads a pipeline takes them. */
import { loadBindingsFile } from '../config/bindings.ts';
import type { LoadedConfig } from '../config/load.ts';
import { loadPipelineFile } from '../config/pipeline.ts';
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import { pipelinePlugins } from './plugins.ts';

export const BINDINGS_OPTION = [
  '--bindings <file>',
  'what the platform resources the pipeline names (store:, kafka:, connection:) are here; see docs/bindings.md',
] as const;

export function loadPipeline(file: string, flags: { bindings?: string }): LoadedConfig<PipelineConfig> {
  const bindings = flags.bindings ? loadBindingsFile(flags.bindings, pipelinePlugins) : undefined;
  return loadPipelineFile(file, pipelinePlugins, process.env, bindings);
}
