/**
 * How commands talk to people and scripts: exit codes, `--output json`, and errors as one readable
 * line (no stack trace for a user's mistake; a stack only for our own bugs, with DATAPIPE_DEBUG=1).
 */
import { ConfigError, ConfigErrors } from '../config/config-error.ts';
import { redactSecrets } from '../config/references.ts';
import { DatapipeError } from '../core/errors.ts';

/** Documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** The command ran and the answer is no: invalid config, a failed run, findings over budget. */
  failure: 1,
  /** The command could not run as asked: bad flags or arguments, an internal error. */
  usage: 2,
} as const;

export type OutputFormat = 'text' | 'json';

export function parseOutputFormat(value: string): OutputFormat {
  if (value !== 'text' && value !== 'json') throw new Error(`--output must be text or json, not "${value}"`);
  return value;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** True when colours may be used on this stream (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !process.env['NO_COLOR'];
}

/** Prints an error for a person and returns the exit code it deserves. */
export function printError(err: unknown): number {
  if (err instanceof ConfigError || err instanceof ConfigErrors) {
    process.stderr.write(`${redactSecrets(err.message)}\n`);
    return EXIT.failure;
  }
  if (err instanceof DatapipeError) {
    process.stderr.write(`error ${err.code}: ${redactSecrets(err.message)}\n`);
    return EXIT.failure;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${redactSecrets(message)}\n`);
  if (process.env['DATAPIPE_DEBUG'] && err instanceof Error && err.stack) {
    process.stderr.write(`${redactSecrets(err.stack)}\n`);
  }
  return EXIT.usage;
}
