/**
 * The command line of the project's own scripts (`npm run bench`, `npm run chaos`, `npm run docs`, ...):
 * node's parseArgs, strict, plus what parseArgs leaves out. `--help` (or `-h`) prints the options with
 * their defaults and exits 0; a mistake (an unknown option, a missing value, an argument the script does
 * not take) prints one line saying what is wrong, one line pointing at `--help`, and exits 2, the exit code
 * of the datapipe CLI's usage errors, instead of parseArgs' stack trace.
 */
import { type ParseArgsOptionDescriptor, parseArgs } from 'node:util';
import { closestName } from '../src/config/closest-name.ts';

/** One option: parseArgs' descriptor and the line `--help` prints for it. */
export interface ScriptOption extends ParseArgsOptionDescriptor {
  /** What it does, one line. */
  readonly help: string;
  /** The word standing for its value in `--help` (`N`, `FILE`, `LIST`); `VALUE` when absent. */
  readonly value?: string;
}

export interface ScriptSpec<O extends Readonly<Record<string, ScriptOption>>> {
  /** How users run it, followed by its options: `npm run bench --`, `node bench/gcs-server/run.ts`. */
  readonly command: string;
  /** What the script does, a sentence or two. */
  readonly summary: string;
  readonly options: O;
  /** The positional arguments it takes, as `--help` shows them (`[RULES_DIR]`); none when absent. */
  readonly positionals?: string;
  /** More of `--help` after the options (the scenarios a benchmark knows, ...). */
  readonly more?: () => string;
}

type Parsed<O extends Readonly<Record<string, ScriptOption>>> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>
>;

/** What a command line asks for: a run with these values, the help, or nothing (a mistake, said). */
type ScriptArgs<O extends Readonly<Record<string, ScriptOption>>> =
  | { readonly kind: 'run'; readonly values: Parsed<O>['values']; readonly positionals: string[] }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'mistake'; readonly text: string };

/** Reads `argv` against `spec`, without printing or exiting (the tests call this). */
export function readScriptArgs<const O extends Readonly<Record<string, ScriptOption>>>(
  spec: ScriptSpec<O>,
  argv: readonly string[],
): ScriptArgs<O> {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: helpText(spec) };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: spec.options,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0 && spec.positionals === undefined) {
      return mistake(spec, `unexpected argument '${positionals[0]}': it takes options only`);
    }
    return { kind: 'run', values, positionals };
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    if (!code?.startsWith('ERR_PARSE_ARGS_')) throw err;
    return mistake(spec, describe(code, message, Object.keys(spec.options)));
  }
}

/**
 * The values of this process's command line; `--help` prints the help and exits 0, a mistake prints
 * what is wrong and exits 2.
 */
export function parseScriptArgs<const O extends Readonly<Record<string, ScriptOption>>>(
  spec: ScriptSpec<O>,
): { values: Parsed<O>['values']; positionals: string[] } {
  const args = readScriptArgs(spec, process.argv.slice(2));
  if (args.kind === 'run') return args;
  if (args.kind === 'help') {
    process.stdout.write(args.text);
    process.exit(0);
  }
  process.stderr.write(args.text);
  process.exit(2);
}

/** A wrong value found after parsing (an unknown scenario...): said like a parse mistake, exit 2. */
export function usageError(spec: Pick<ScriptSpec<never>, 'command'>, problem: string): never {
  process.stderr.write(mistake(spec, problem).text);
  process.exit(2);
}

function mistake(
  spec: Pick<ScriptSpec<never>, 'command'>,
  problem: string,
): { kind: 'mistake'; text: string } {
  return {
    kind: 'mistake',
    text: `${bare(spec.command)}: ${problem}\n(run \`${spec.command} --help\` for the options)\n`,
  };
}

/** The command without the ` --` that passes options through npm: `npm run bench`. */
function bare(command: string): string {
  return command.replace(/ --$/, '');
}

/** parseArgs' error, in one short line (its own messages suggest `--` for positionals, rarely the point). */
function describe(code: string, message: string, names: readonly string[]): string {
  const quoted = /'([^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted !== undefined) {
    const near = closestName(quoted.replace(/^-+/, ''), names);
    return `unknown option '${quoted}'${near ? ` (did you mean '--${near}'?)` : ''}`;
  }
  const first = message.split(/(?<=\.) /)[0] ?? message;
  return first.charAt(0).toLowerCase() + first.slice(1).replace(/\.$/, '');
}

function helpText<O extends Readonly<Record<string, ScriptOption>>>(spec: ScriptSpec<O>): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const shown = o.type === 'string' && o.default !== undefined ? ` [default: ${String(o.default)}]` : '';
    return [flag, `${o.help}${shown}`] as const;
  });
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const usage =
    rows.length > 1 || spec.positionals
      ? [spec.command, rows.length > 1 ? '[options]' : '', spec.positionals ?? ''].filter(Boolean)
      : [bare(spec.command)];
  const lines = [
    `usage: ${usage.join(' ')}`,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`),
  ];
  const more = spec.more?.();
  return `${lines.join('\n')}\n${more ? `\n${more.trimEnd()}\n` : ''}`;
}
