/**
 * `npm run audit:eval`: audits the labelled platforms of test/fixtures/audit-eval/ and prints
 * `audit-eval: recall=R precision=P files=N labels=L`, then the misses per kind of coupling and
 * the wrong findings; the same as JSON in --out (default .datapipe/audit-eval.json).
 *
 *   node scripts/audit-eval.ts [--dir test/fixtures/audit-eval] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { evaluateDir, summaryLine } from '../src/audit/eval/evaluate.ts';
import { platformTargets } from '../src/cli/plugins.ts';
import { parseScriptArgs } from './script-args.ts';

const root = new URL('../', import.meta.url).pathname;
const { values } = parseScriptArgs({
  command: 'npm run audit:eval --',
  summary:
    'Audits the labelled platforms and prints recall and precision, then the misses and the wrong findings.',
  options: {
    dir: {
      type: 'string',
      default: `${root}test/fixtures/audit-eval`,
      value: 'DIR',
      help: 'the labelled platforms',
    },
    out: {
      type: 'string',
      default: `${root}.datapipe/audit-eval.json`,
      value: 'FILE',
      help: 'the result as JSON',
    },
  },
});
const evaluation = evaluateDir(values.dir, platformTargets);
const lines = [summaryLine(evaluation)];
for (const [kind, [missed, total]] of Object.entries(evaluation.byKind).sort()) {
  lines.push(`  ${kind}: missed ${missed}/${total}`);
}
for (const l of evaluation.missed) {
  lines.push(`  missed [${l.kind}] ${l.platform}/${l.file}:${l.line} ${l.category} ${l.provider}`);
}
for (const a of evaluation.wrong) {
  lines.push(
    `  wrong ${a.platform}/${a.file}:${a.line} ${a.category} ${a.provider} ${a.rule}: ${a.evidence}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(evaluation, null, 2)}\n`);
