import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_BUDGET_DAYS, type Target } from '../audit/model.ts';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { EXIT, printError, printJson } from './output.ts';
import { pipelinePlugins } from './plugins.ts';

interface PlanFlags {
  from: Target;
  to: Target;
  budgetDays: number;
  format: 'markdown' | 'json' | 'html';
  audit?: string;
  kafka: 'mirrormaker' | 'stay';
}

export function registerPlan(program: Command, targets: TargetRegistry): void {
  program
    .command('plan')
    .description(
      'Plan the move of a platform between providers: provision, move data and Kafka, swap identities, lower DNS ' +
        'TTLs and cut over, verify, roll back; each step with effort, downtime and commands. Exits 0 when it fits ' +
        'the budget, 1 when not, 2 on error.',
    )
    .argument('<file>', 'platform YAML file')
    .requiredOption(
      '--from <target>',
      `where the platform runs now: ${targets.names.join(', ')}`,
      oneOf(targets.names),
    )
    .requiredOption('--to <target>', `where it moves: ${targets.names.join(', ')}`, oneOf(targets.names))
    .option('--budget-days <n>', 'person-days available', days, DEFAULT_BUDGET_DAYS)
    .option(
      '--format <format>',
      'markdown, json or html',
      oneOf(['markdown', 'json', 'html'] as const),
      'markdown',
    )
    .option(
      '--audit <path>',
      'audit findings to add: a `datapipe audit --format json` report, or files to audit',
    )
    .option(
      '--kafka <mode>',
      'mirrormaker (mirror topics and translate offsets) or stay',
      oneOf(['mirrormaker', 'stay'] as const),
      'mirrormaker',
    )
    .action(async (file: string, flags: PlanFlags) => {
      try {
        const { buildPlan } = await import('../plan/plan.ts');

        const plan = buildPlan({
          file,
          pipelines: pipelinePlugins,
          from: flags.from,
          to: flags.to,
          budgetDays: flags.budgetDays,
          audit: flags.audit,
          kafka: flags.kafka,
          targets,
        });
        if (flags.format === 'json') printJson(plan);
        else if (flags.format === 'html')
          process.stdout.write((await import('../plan/format-html.ts')).formatPlanHtml(plan));
        else process.stdout.write((await import('../plan/format-markdown.ts')).formatPlanMarkdown(plan));
        process.exitCode = plan.fits ? EXIT.ok : EXIT.failure;
      } catch (err) {
        // 1 means "over budget" here, so anything that stops the plan from being made is 2.
        if (err instanceof Error && 'code' in err && err.code === 'DP_PLAN_INPUT') {
          process.stderr.write(`error: ${err.message}\n`);
        } else printError(err);
        process.exitCode = EXIT.usage;
      }
    });
}

function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return value as T;
  };
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of days');
  return n;
}
