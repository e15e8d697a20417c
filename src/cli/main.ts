/**
 * The `datapipe` command line. Each command lives in its own file and registers itself in
 * `commands.ts`; this file only sets up the program and turns errors into exit codes.
 */
import { Command, CommanderError } from 'commander';
import { commands } from './commands.ts';
import { EXIT, printError } from './output.ts';
import { VERSION } from './version.ts';

const program = new Command('datapipe')
  .description('Kafka datapipes that lose nothing, and a Kubernetes platform you can move between providers.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version are successful exits; anything else commander reports is a usage error.
    process.exitCode =
      err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    if (err.code === 'commander.help') process.exitCode = EXIT.ok;
  } else {
    process.exitCode = printError(err);
  }
}
