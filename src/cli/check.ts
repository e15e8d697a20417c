/**
 * `datapipe check PIPELINE [--bindings FILE]`: resolves the bindings and proves every source and sink
 * (and the dead-letter destination) with the credentials this process has, without reading or writing
 * any record: one line per endpoint, with what failed and what to change. The step after a move to a
 * new target (each target's RUNBOOK says so). Exit 0 when nothing failed, 1 when something did.
 */
import type { Command } from 'commander';
import type { SinkConfig, SourceConfig } from '../config/pipeline-schema.ts';
import { redactSecrets } from '../config/references.ts';
import { errorMessage } from '../core/errors.ts';
import type { ProbeResult } from '../core/plugin.ts';
import { createLogger } from '../observability/logger.ts';
import { pluginContext, pluginLookup, probeSink, probeSource } from '../runtime/instances.ts';
import { contextBase, deadLetterConfig } from '../runtime/prepare.ts';
import { EXIT, type OutputFormat, parseOutputFormat, printError, printJson } from './output.ts';
import { BINDINGS_OPTION, loadPipeline } from './pipeline-input.ts';
import { pipelinePlugins } from './plugins.ts';

interface EndpointReport extends ProbeResult {
  /** `source`, `sink <name>` or `dead-letter`. */
  readonly role: string;
  readonly type: string;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'Prove that every source and sink of a pipeline can be reached and used with the credentials this process has (Kafka metadata and group; a probe object, document or row written, read back and deleted). Exits 0 when all pass, 1 when one fails.',
    )
    .argument('<file>', 'pipeline YAML file')
    .option(...BINDINGS_OPTION)
    .option('-o, --output <format>', 'text or json', parseOutputFormat, 'text')
    .action(async (file: string, opts: { output: OutputFormat; bindings?: string }) => {
      let reports: EndpointReport[];
      let name: string;
      try {
        const loaded = loadPipeline(file, opts);
        name = loaded.config.name;
        reports = await checkPipeline(loaded);
      } catch (err) {
        process.exitCode = printError(err);
        return;
      }
      const failed = reports.some((r) => r.status === 'failed');
      if (opts.output === 'json') printJson({ file, pipeline: name, ok: !failed, endpoints: reports });
      else for (const r of reports) process.stdout.write(`${redactSecrets(formatReport(r))}\n`);
      process.exitCode = failed ? EXIT.failure : EXIT.ok;
    });
}

function formatReport(r: EndpointReport): string {
  const status = r.status === 'failed' ? 'FAILED ' : r.status === 'ok' ? 'ok     ' : 'skipped';
  return `${status} ${r.role} (${r.type}) ${r.endpoint}: ${r.detail}${r.fix ? ` — fix: ${r.fix}` : ''}`;
}

async function checkPipeline(loaded: ReturnType<typeof loadPipeline>): Promise<EndpointReport[]> {
  const { config } = loaded;
  const logger = createLogger('silent');
  const lookup = pluginLookup(pipelinePlugins);
  const base = contextBase(loaded, { logger });
  const source = config.source as SourceConfig;
  const sinks = (config.sinks as SinkConfig[]).map((s) => ({ role: `sink ${s.name}`, config: s }));
  const deadLetter = deadLetterConfig(config, lookup, logger);
  if (deadLetter !== undefined) sinks.push({ role: 'dead-letter', config: deadLetter });
  const probes = [
    report('source', source.type, () => probeSource(lookup, source, pluginContext(base, 'source', 'source'))),
    ...sinks.map((s) =>
      report(s.role, s.config.type, () =>
        probeSink(lookup, s.config, pluginContext(base, s.config.name, 'sink')),
      ),
    ),
  ];
  return (await Promise.all(probes)).flat();
}

async function report(
  role: string,
  type: string,
  probe: () => Promise<readonly ProbeResult[]> | undefined,
): Promise<EndpointReport[]> {
  try {
    const results = await probe();
    if (results === undefined) {
      return [
        { role, type, endpoint: type, status: 'skipped', detail: 'local to the process: nothing to reach' },
      ];
    }
    return results.map((r) => ({ role, type, ...r }));
  } catch (err) {
    return [
      {
        role,
        type,
        endpoint: type,
        status: 'failed',
        detail: errorMessage(err),
        fix: 'see the error; `datapipe validate` with the same --bindings checks the configuration',
      },
    ];
  }
}
