/**
 * Writes examples/data/orders.jsonl: the bundled sample of the quickstart, 10,000 order events generated
 * deterministically (the generator source's `orders` template, fixed seed and start time), so regenerating
 * it changes nothing. `--check` fails when the committed file differs from what would be generated.
 *   node scripts/generate-sample-data.ts [--check] [--count N] [--out FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderEvent } from '../src/sources/generator-templates.ts';
import { parseScriptArgs } from './script-args.ts';

const { values } = parseScriptArgs({
  command: 'node scripts/generate-sample-data.ts',
  summary: "Writes the quickstart's sample order events, deterministically (regenerating changes nothing).",
  options: {
    check: { type: 'boolean', default: false, help: 'write nothing; exit 1 when the file differs' },
    count: { type: 'string', default: '10000', value: 'N', help: 'order events' },
    out: {
      type: 'string',
      default: join(import.meta.dirname, '../examples/data/orders.jsonl'),
      value: 'FILE',
      help: 'where they go',
    },
  },
});

const SEED = 7;
const START = Date.parse('2026-03-02T06:00:00Z');
/** 10,000 orders over about 5 days: a few `dt=` folders in the quickstart archive. */
const INTERVAL_MS = 43_000;

const count = Number(values.count);
const lines: string[] = [];
for (let i = 0; i < count; i++)
  lines.push(JSON.stringify(orderEvent(i, SEED, START + i * INTERVAL_MS).value));
const text = `${lines.join('\n')}\n`;

if (values.check) {
  const current = readFileSync(values.out, 'utf8');
  if (current !== text) {
    console.error(
      `${values.out} is not what scripts/generate-sample-data.ts generates: run it and commit the result`,
    );
    process.exit(1);
  }
  console.log(`${values.out} is up to date`);
} else {
  writeFileSync(values.out, text);
  const tests = lines.filter((l) => l.endsWith('"test":true}')).length;
  console.log(
    `wrote ${count} orders (${tests} test orders, ${Buffer.byteLength(text)} bytes) to ${values.out}`,
  );
}
