/**
 * The portability demo (issue 13): the flagship's orders-to-archive pipeline, one file, run on every
 * target's rendered binding against that target's local stand-in store, consuming the real Kafka.
 * Prints exactly one line on stdout:
 *
 *   portability: expected=N aws=N azure=N gcp=N baremetal=N pipeline_sha=<sha256 of the pipeline file>
 *
 * Exits 1 when a store holds a different number or the file changed. What is overridden for the
 * stand-ins: scripts/portability.ts and docs/bindings.md. Usage: npm run demo:portability [-- --records 5000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runPortability } from './portability.ts';
import { parseScriptArgs } from './script-args.ts';

const { values: args } = parseScriptArgs({
  command: 'npm run demo:portability --',
  summary:
    "The flagship's orders-to-archive pipeline, one file, run on every target's rendered binding against that target's local stand-in store (exit 1 when a store holds a different number).",
  options: {
    records: { type: 'string', default: '2000', value: 'N', help: 'order events produced' },
    timeout: { type: 'string', default: '180', value: 'SECONDS', help: 'how long each target may take' },
  },
});
const log = (msg: string) => process.stderr.write(`[demo:portability] ${msg}\n`);
log('starting services');
execFileSync('bash', [join(ROOT, 'scripts/services/services.sh'), 'up', 'kafka', 's3', 'azurite', 'gcs'], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const dir = mkdtempSync(join(tmpdir(), 'datapipe-portability-'));
let exitCode = 1;
try {
  const result = await runPortability({
    records: Number(args.records),
    dir,
    timeoutMs: Number(args.timeout) * 1000,
    log,
  });
  process.stdout.write(`${result.line}\n`);
  const same = Object.values(result.counts).every((n) => n === result.expected);
  exitCode = same && result.pipelineShas.size === 1 ? 0 : 1;
  if (exitCode === 0) rmSync(dir, { recursive: true, force: true });
  else log(`rendered files, bindings and logs kept in ${dir}`);
} catch (err) {
  log(`failed: ${err instanceof Error ? err.message : String(err)}; files in ${dir}`);
}
process.exitCode = exitCode;
