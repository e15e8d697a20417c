import { type Command, InvalidArgumentError } from 'commander';
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import { startHealthServer } from '../observability/health-server.ts';
import { createLogger } from '../observability/logger.ts';
import { PipelineMetrics } from '../observability/metrics.ts';
import { runPipeline } from '../runtime/engine.ts';
import { pluginLookup } from '../runtime/instances.ts';
import type { RunSummary } from '../runtime/run-summary.ts';
import { restartWithDefaultHeap } from './heap.ts';
import { EXIT, parseOutputFormat, printError, printJson } from './output.ts';
import { BINDINGS_OPTION, loadPipeline } from './pipeline-input.ts';
import { pipelinePlugins } from './plugins.ts';

interface RunFlags {
  output: 'text' | 'json';
  port?: number;
  bindings?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'Run a pipeline until its source ends or SIGTERM/SIGINT; then flush, commit and print a summary.',
    )
    .argument('<file>', 'pipeline YAML file')
    .option(...BINDINGS_OPTION)
    .option(
      '-o, --output <format>',
      'text or json (one JSON object on stdout at the end)',
      parseOutputFormat,
      'text',
    )
    .option('-p, --port <port>', 'port of /metrics, /healthz and /readyz (overrides the file)', parsePort)
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommand(file, flags);
    });
}

async function runCommand(file: string, flags: RunFlags): Promise<number> {
  let loaded: ReturnType<typeof loadPipeline>;
  try {
    loaded = loadPipeline(file, flags);
  } catch (err) {
    return printError(err);
  }
  const { config } = loaded;
  restartWithDefaultHeap(config.limits.maxInFlightBytes);
  const logger = createLogger(config.observability.logLevel);
  const metrics = new PipelineMetrics(config.name);
  const shutdown = new AbortController();
  let ready = false;
  let live = true;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      logger.info({ signal }, 'stopping: flushing and committing');
      ready = false;
      shutdown.abort();
    } else {
      // A second signal: the person means it. Uncommitted records are read again next time.
      logger.warn({ signal }, 'stopping now, without waiting for the flush');
      process.exit(EXIT.failure);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
  try {
    if (config.observability.enabled) {
      health = await startHealthServer(
        metrics.registry,
        { live: () => live, ready: () => ready },
        { host: config.observability.host, port: flags.port ?? config.observability.port },
      );
      logger.info({ port: health.port }, 'serving /metrics, /healthz and /readyz');
    }
    const summary = await runPipeline(loaded, {
      logger,
      metrics,
      plugins: pluginLookup(pipelinePlugins),
      signal: shutdown.signal,
      onReady: () => {
        ready = true;
        logger.info({ pipeline: config.name }, 'pipeline running');
      },
    });
    ready = false;
    printSummary(summary, flags.output, { file, config });
    return EXIT.ok;
  } catch (err) {
    live = false;
    ready = false;
    return printError(err);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await health?.close();
    logger.flush();
  }
}

function printSummary(
  summary: RunSummary,
  output: 'text' | 'json',
  run: { file: string; config: PipelineConfig },
): void {
  if (output === 'json') {
    printJson(summary);
    return;
  }
  // stdout stays for data (the stdout sink): the summary goes to stderr.
  const out = Object.entries(summary.records_out)
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
  const lines = [
    `records in: ${summary.records_in}, out: ${out || '-'}, dead-lettered: ${summary.dead_lettered}, filtered: ${summary.filtered}, unrouted: ${summary.unrouted}`,
  ];
  for (const sink of run.config.sinks) {
    const where = outputLocation(sink as unknown as Record<string, unknown>);
    lines.push(
      `  ${sink.name} (${String(sink.type)}): ${summary.records_out[String(sink.name)] ?? 0} written${where ? ` to ${where}` : ''}`,
    );
  }
  lines.push(`run it again: datapipe run ${run.file} (it resumes where it stopped)`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

/**
 * Where a newcomer finds a sink's output: the fields that name a place, never ones that may hold
 * credentials (URLs, connection strings). Paths are relative to the pipeline file.
 */
function outputLocation(sink: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const field of ['path', 'bucket', 'container', 'database', 'collection', 'table', 'topic']) {
    const v = sink[field];
    if (typeof v === 'string' && v.length > 0) parts.push(field === 'path' ? v : `${field} ${v}`);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`--port must be a number from 0 to 65535, not "${value}"`);
  }
  return port;
}
