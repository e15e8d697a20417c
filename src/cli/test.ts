import type { Command } from 'commander';
import { EXIT, type OutputFormat, parseOutputFormat, printError, printJson } from './output.ts';
import { pipelinePlugins } from './plugins.ts';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description(
      "Run pipeline unit tests (*.test.yaml next to a pipeline) through the pipeline's real decode, transforms and routing, in-process: no server needed.",
    )
    .argument('[files...]', 'test files, or folders to search for *.test.yaml (default: the current folder)')
    .option(
      '--bindings <file>',
      'bindings for the resources pipelines name (store:, kafka:, connection:), for test files without their own `bindings:`',
    )
    .option('-o, --output <format>', 'text or json', parseOutputFormat, 'text')
    .action(async (files: string[], flags: { output: OutputFormat; bindings?: string }) => {
      try {
        const { findTestFiles, formatTestRun, runTestFiles } = await import('../pipeline-test/run-files.ts');
        const run = await runTestFiles(findTestFiles(files), pipelinePlugins, {
          ...(flags.bindings === undefined ? {} : { bindings: flags.bindings }),
        });
        if (flags.output === 'json') printJson(run);
        else process.stdout.write(formatTestRun(run));
        process.exitCode = run.failed > 0 || run.files.length === 0 ? EXIT.failure : EXIT.ok;
      } catch (err) {
        process.exitCode = printError(err);
      }
    });
}
