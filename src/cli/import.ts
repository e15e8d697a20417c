import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { EXIT, printError } from './output.ts';

export function registerImport(program: Command, targets: TargetRegistry): void {
  program
    .command('import')
    .description(
      'Draft a provider-neutral platform.yaml from an existing platform (Kubernetes, Helm, Kustomize, Terraform, ' +
        'Ansible), marking what could not be inferred with "# TODO(datapipe import): ...". Exits 0 when the draft ' +
        'validates, 1 when it does not (it is written anyway), 2 on error. Each placeholder left is printed as a warning.',
    )
    .argument('<paths...>', 'files or folders of the existing platform')
    .option('--out <file>', 'where to write the draft (default: stdout)')
    .action(async (paths: string[], opts: { out?: string }) => {
      try {
        const { importPlatform } = await import('../import/import.ts');
        const result = importPlatform(paths, targets);
        if (opts.out) writeFileSync(opts.out, result.yaml);
        else process.stdout.write(result.yaml);
        const where = opts.out ?? 'stdout';
        process.stderr.write(
          `${where}: drafted from a platform on ${result.provider ?? 'an unknown provider'}; ${result.todos} TODO(datapipe import) to review\n`,
        );
        for (const p of result.placeholders)
          process.stderr.write(
            `${where}: warning: ${p.field} is a placeholder ("${p.value}"); render refuses it\n`,
          );
        for (const problem of result.problems)
          process.stderr.write(`${where}: does not validate yet: ${problem}\n`);
        process.exitCode = result.problems.length > 0 ? EXIT.failure : EXIT.ok;
      } catch (err) {
        process.exitCode =
          err instanceof Error && 'code' in err && err.code === 'DP_AUDIT_PATH'
            ? usage(err)
            : printError(err);
      }
    });
}

function usage(err: Error): number {
  process.stderr.write(`error: ${err.message}\n`);
  return EXIT.usage;
}
