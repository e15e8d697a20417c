import type { Command } from 'commander';
import { parseOutputFormat, printJson } from './output.ts';
import { VERSION } from './version.ts';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('Print the datapipe version and the Node.js it runs on.')
    .option('-o, --output <format>', 'text or json', parseOutputFormat, 'text')
    .action((opts: { output: 'text' | 'json' }) => {
      if (opts.output === 'json') printJson({ version: VERSION, node: process.version });
      else process.stdout.write(`datapipe ${VERSION} (node ${process.version})\n`);
    });
}
