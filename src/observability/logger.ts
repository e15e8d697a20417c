/**
 * Structured logs with pino: JSON lines on stderr (stdout is kept for data and `--output json`),
 * human-readable when stderr is a terminal. Every resolved secret is redacted before it is written.
 */
import { type LevelWithSilent, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import { redactSecrets } from '../config/references.ts';

export function createLogger(level: LevelWithSilent = 'info', options: { pretty?: boolean } = {}): Logger {
  const usePretty =
    options.pretty ?? (process.stderr.isTTY === true && process.env['DATAPIPE_LOG_FORMAT'] !== 'json');
  const base = {
    level,
    base: { pid: process.pid },
    hooks: { streamWrite: (line: string) => redactSecrets(line) },
  };
  if (!usePretty) return pino(base, pino.destination({ fd: 2, sync: false }));
  return pino(
    base,
    pretty({ destination: 2, colorize: !process.env['NO_COLOR'], ignore: 'pid,hostname', sync: true }),
  );
}
