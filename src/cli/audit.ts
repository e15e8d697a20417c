import { type Command, InvalidArgumentError } from 'commander';
import type { AuditReport } from '../audit/audit.ts';
import { DEFAULT_BUDGET_DAYS, SEVERITIES, type Severity, severityRank, type Target } from '../audit/model.ts';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { EXIT, printError, useColor } from './output.ts';
import { VERSION } from './version.ts';

const FORMATS = ['table', 'json', 'markdown', 'sarif', 'html'] as const;
type AuditFormat = (typeof FORMATS)[number];

interface AuditFlags {
  to?: Target;
  budgetDays: number;
  format: AuditFormat;
  failOn?: Severity;
}

export function registerAudit(program: Command, targets: TargetRegistry): void {
  program
    .command('audit')
    .description(
      'Find what ties a platform to its provider (Kubernetes, Helm, Kustomize, Terraform, Ansible, Dockerfiles, ' +
        'dependencies, code) and price the move. Exits 0 when it fits the budget, 1 when over budget or a finding ' +
        'reaches --fail-on, 2 on error.',
    )
    .argument('<paths...>', 'files or folders to scan')
    .option(
      '--to <target>',
      `target to price the move for: ${targets.names.join(', ')} (default: the most expensive)`,
      oneOf('--to', targets.names),
    )
    .option('--budget-days <n>', 'person-days available for the move', positiveNumber, DEFAULT_BUDGET_DAYS)
    .option('--format <format>', FORMATS.join(', '), oneOf('--format', FORMATS), 'table')
    .option(
      '--fail-on <severity>',
      `exit 1 when a finding is at least: ${SEVERITIES.join(', ')}`,
      oneOf('--fail-on', SEVERITIES),
    )
    .action(async (paths: string[], flags: AuditFlags) => {
      try {
        // Loaded when the command runs, so other commands do not pay for the audit engine.
        const { runAudit } = await import('../audit/audit.ts');
        const { progressReporter } = await import('../audit/progress.ts');
        const report = runAudit({
          paths,
          targets,
          to: flags.to,
          budgetDays: flags.budgetDays,
          onProgress: progressReporter(),
        });
        process.stdout.write(await render(report, flags.format));
        process.exitCode = exitCode(report, flags.failOn);
      } catch (err) {
        process.exitCode =
          err instanceof Error && 'code' in err && err.code === 'DP_AUDIT_PATH'
            ? usage(err)
            : printError(err);
      }
    });
}

async function render(report: AuditReport, format: AuditFormat): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../audit/format/json.ts')).formatJson(report);
    case 'sarif':
      return (await import('../audit/format/sarif.ts')).formatSarif(report, VERSION);
    case 'markdown':
      return (await import('../audit/format/markdown.ts')).formatMarkdown(report);
    case 'html':
      return (await import('../audit/format/html.ts')).formatHtml(report);
    default:
      return (await import('../audit/format/table.ts')).formatTable(report, useColor());
  }
}

function exitCode(report: AuditReport, failOn: Severity | undefined): number {
  if (!report.verdict.fits) return EXIT.failure;
  if (failOn !== undefined && report.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)))
    return EXIT.failure;
  return EXIT.ok;
}

function usage(err: Error): number {
  process.stderr.write(`error: ${err.message}\n`);
  return EXIT.usage;
}

function oneOf<T extends string>(_flag: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return value as T;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of days');
  return n;
}
