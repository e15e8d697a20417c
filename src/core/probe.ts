/**
 * The one way a plugin's `probe` (run by `datapipe check`) proves an endpoint: named steps run in order,
 * the first that throws is the answer, and the plugin says what to change for that kind of failure.
 */
import { DatapipeError, errorMessage } from './errors.ts';
import type { ProbeResult } from './plugin.ts';

export interface ProbeStep {
  /** What the step proves, e.g. `write probe object`. */
  readonly name: string;
  run(): Promise<void>;
}

/** The kind of a failure, from the error's class and code, for the plugin's advice. */
export type FailureKind = 'auth' | 'tls' | 'missing' | 'unreachable' | 'other';

export function failureKind(err: unknown): FailureKind {
  const code = err instanceof DatapipeError ? err.code : '';
  if (/AUTH/.test(code)) return 'auth';
  if (/TLS/.test(code)) return 'tls';
  if (/NOT_FOUND|MISSING|SCHEMA/.test(code)) return 'missing';
  if (err instanceof DatapipeError && err.errorClass === 'retryable') return 'unreachable';
  return 'other';
}

/**
 * Runs `steps`, then `cleanup` whatever happened. `fix` turns the failure of a step into advice.
 * `proven` sums up what the steps proved, for the line of a success.
 */
export async function runProbe(
  endpoint: string,
  steps: readonly ProbeStep[],
  advice: { proven: string; fix(err: unknown, step: string): string; cleanup?: () => Promise<void> },
): Promise<ProbeResult> {
  try {
    for (const step of steps) {
      try {
        await step.run();
      } catch (err) {
        return {
          endpoint,
          status: 'failed',
          detail: `${step.name}: ${errorMessage(err)}`,
          fix: advice.fix(err, step.name),
        };
      }
    }
    return { endpoint, status: 'ok', detail: advice.proven };
  } finally {
    await advice.cleanup?.().catch(() => {});
  }
}

/** The hosts of a connection string (`postgres://u:p@h1:5432,h2/db` → `h1:5432,h2`), never its user or password. */
export function hostsOf(uri: string): string {
  const match = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?]*)/i.exec(uri);
  return match?.[1] ?? '(unparsable connection string)';
}
