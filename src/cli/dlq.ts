import { type Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../observability/logger.ts';
import { PipelineMetrics } from '../observability/metrics.ts';
import { EXIT, type OutputFormat, parseOutputFormat, printError, printJson } from './output.ts';
import { BINDINGS_OPTION, loadPipeline } from './pipeline-input.ts';
import { pipelinePlugins } from './plugins.ts';

interface DlqFlags {
  output: OutputFormat;
  limit: number;
  bindings?: string;
}

export function registerDlq(program: Command): void {
  const dlq = program
    .command('dlq')
    .description("Look at and re-drive a Kafka pipeline's dead-lettered records.");
  dlq
    .command('inspect')
    .description(
      'List dead-lettered records with their provenance (original position, stage, error), oldest first.',
    )
    .argument('<file>', 'pipeline YAML file')
    .option(...BINDINGS_OPTION)
    .option('-o, --output <format>', 'text or json', parseOutputFormat, 'text')
    .option('-n, --limit <count>', 'show at most this many records', parseLimit, 100)
    .action(async (file: string, flags: DlqFlags) => {
      try {
        const { config, baseDir } = loadPipeline(file, flags);
        const { formatInspected, inspectDeadLetters } = await import('../dlq/inspect.ts');
        const result = await inspectDeadLetters(config, { pipelineName: config.name, baseDir }, flags.limit);
        if (flags.output === 'json') printJson(result);
        else process.stdout.write(formatInspected(result));
      } catch (err) {
        process.exitCode = printError(err);
      }
    });
  dlq
    .command('replay')
    .description(
      'Re-process the dead-lettered records not replayed yet through the transforms and sinks, like fresh records; ones that fail again are dead-lettered again.',
    )
    .argument('<file>', 'pipeline YAML file')
    .option(...BINDINGS_OPTION)
    .option('-o, --output <format>', 'text or json (the run summary)', parseOutputFormat, 'text')
    .option('-n, --limit <count>', 'replay at most this many records', parseLimit, Number.MAX_SAFE_INTEGER)
    .action(async (file: string, flags: DlqFlags) => {
      try {
        const loaded = loadPipeline(file, flags);
        const { replayDeadLetters } = await import('../dlq/replay.ts');
        const logger = createLogger(loaded.config.observability.logLevel);
        const shutdown = new AbortController();
        const onSignal = () => shutdown.abort();
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
        const summary = await replayDeadLetters(loaded, {
          logger,
          metrics: new PipelineMetrics(loaded.config.name),
          plugins: pipelinePlugins,
          limit: flags.limit,
          signal: shutdown.signal,
          ...(process.stderr.isTTY
            ? {
                onProgress: (p: { read: number; total: number; replayed: number }) =>
                  process.stderr.write(
                    `\rdlq replay: ${p.read}/${p.total} dead-letter records read, ${p.replayed} source records re-driven`,
                  ),
              }
            : {}),
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        if (flags.output === 'json') printJson(summary);
        else {
          const out = Object.entries(summary.records_out)
            .map(([name, n]) => `${name}=${n}`)
            .join(' ');
          process.stdout.write(
            `replayed: ${summary.records_in}, out: ${out || '-'}, dead-lettered again: ${summary.dead_lettered}\n`,
          );
        }
        process.exitCode = EXIT.ok;
      } catch (err) {
        process.exitCode = printError(err);
      }
    });
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`--limit must be a positive integer, not "${value}"`);
  return n;
}
