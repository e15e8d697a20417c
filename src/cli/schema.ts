import type { Command } from 'commander';
import { pipelineJsonSchema } from '../config/json-schema.ts';
import { printJson } from './output.ts';
import { pipelinePlugins } from './plugins.ts';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of pipeline files, for editors (e.g. the YAML language server).')
    .action(() => printJson(pipelineJsonSchema(pipelinePlugins)));
}
