import type { Command } from 'commander';
import { compileSinkConditions } from '../runtime/prepare.ts';
import { compileTransforms } from '../transforms/chain.ts';
import { EXIT, parseOutputFormat, printError, printJson } from './output.ts';
import { BINDINGS_OPTION, loadPipeline } from './pipeline-input.ts';
import { pipelinePlugins } from './plugins.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a pipeline file against the schema without running it. Exits 0 when valid, 1 when not.',
    )
    .argument('<file>', 'pipeline YAML file')
    .option(...BINDINGS_OPTION)
    .option('-o, --output <format>', 'text or json', parseOutputFormat, 'text')
    .action(async (file: string, opts: { output: 'text' | 'json'; bindings?: string }) => {
      try {
        const loaded = loadPipeline(file, opts);
        // Expressions and transform modules too: a run must not be the first to find a typo in them.
        await compileTransforms(loaded, pipelinePlugins.transforms);
        compileSinkConditions(loaded);
        const { config } = loaded;
        if (opts.output === 'json') printJson({ file, valid: true, name: config.name });
        else process.stdout.write(`${file}: valid pipeline "${config.name}"\n`);
      } catch (err) {
        if (
          opts.output === 'json' &&
          err instanceof Error &&
          'code' in err &&
          err.code === 'DP_CONFIG_INVALID'
        ) {
          printJson({ file, valid: false, errors: err.message.split('\n') });
          process.exitCode = EXIT.failure;
          return;
        }
        process.exitCode = printError(err);
      }
    });
}
