import type { Command } from 'commander';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { EXIT, parseOutputFormat, printError, printJson } from './output.ts';
import { pipelinePlugins } from './plugins.ts';

interface RenderOptions {
  target?: string;
  out?: string;
  diff?: string[];
  output: 'text' | 'json';
  allowPlaceholders?: boolean;
}

export function registerRender(program: Command, targets: TargetRegistry): void {
  program
    .command('render')
    .description(
      'Render a platform file for one target: kustomize-ready manifests (kubernetes/), Terraform JSON (provider/) and RUNBOOK.md. With --diff A B, show what changes between two targets.',
    )
    .argument('<file>', 'platform YAML file')
    .option('-t, --target <target>', `${targets.names.join(', ')} (default: targets.default)`)
    .option('--out <dir>', 'folder to write into')
    .option('--diff <targets...>', 'two targets to compare, e.g. --diff aws azure')
    .option('-o, --output <format>', 'text or json', parseOutputFormat, 'text')
    .option(
      '--allow-placeholders',
      'render even when the file still holds placeholders left by `datapipe import` (each is printed as a warning)',
    )
    .action(async (file: string, opts: RenderOptions) => {
      try {
        // Loaded here, not at start-up: the Kubernetes models are large and only `render` needs them.
        const [
          { diffTrees, formatDiff, workloadChanges },
          { loadPlatformFile },
          { chooseTarget, renderPlatform },
          { writeRender },
          { placeholderProblems },
          { ConfigErrors },
        ] = await Promise.all([
          import('../platform/diff.ts'),
          import('../platform/load.ts'),
          import('../platform/render.ts'),
          import('../platform/write-output.ts'),
          import('../platform/placeholders.ts'),
          import('../config/config-error.ts'),
        ]);
        const loaded = loadPlatformFile(file, pipelinePlugins, targets);
        /** Refuses placeholders a render for these targets would use, or warns with --allow-placeholders. */
        const checkPlaceholders = (...names: string[]) => {
          const problems = names.flatMap((t) => placeholderProblems(loaded, t));
          const unique = [...new Map(problems.map((p) => [p.message, p])).values()];
          if (unique.length === 0) return;
          if (!opts.allowPlaceholders) throw new ConfigErrors(unique);
          for (const p of unique) process.stderr.write(`warning: ${p.message}\n`);
        };
        if (opts.diff) {
          if (opts.diff.length !== 2)
            throw new Error('--diff takes exactly two targets, e.g. --diff aws azure');
          const [a, b] = opts.diff.map((t) => chooseTarget(loaded, t, targets)) as [string, string];
          checkPlaceholders(a, b);
          const left = renderPlatform(loaded, a, targets);
          const right = renderPlatform(loaded, b, targets);
          const diffs = diffTrees(left.files, right.files);
          const leaked = workloadChanges(diffs);
          if (opts.output === 'json')
            printJson({ from: a, to: b, files: diffs, workloadsIdentical: leaked.length === 0 });
          else {
            process.stdout.write(formatDiff(diffs, a, b));
            process.stderr.write(
              `${diffs.length} files differ between ${a} and ${b}; workload manifests ${leaked.length === 0 ? 'identical' : `DIFFER: ${leaked.join(', ')}`}\n`,
            );
          }
          if (leaked.length > 0) process.exitCode = EXIT.failure;
          return;
        }
        if (!opts.out) throw new Error('--out <dir> is required (or use --diff A B)');
        const target = chooseTarget(loaded, opts.target, targets);
        checkPlaceholders(target);
        const result = renderPlatform(loaded, target, targets);
        const written = writeRender(result, opts.out);
        if (opts.output === 'json') printJson({ target: result.target, out: opts.out, files: written });
        else
          process.stdout.write(
            `${file}: rendered for ${result.target} into ${opts.out}: ${result.workloads.length} workload objects, ${result.bindings.length} binding objects, ${result.patches.length} patches, ${result.terraform.size} Terraform files, RUNBOOK.md\n`,
          );
      } catch (err) {
        process.exitCode = printError(err);
      }
    });
}
