/**
 * Sink benchmarks: N records written in batches through each datapipe sink plugin and through the raw
 * driver doing the same writes, in the same run on the same machine; the order alternates each repeat
 * (the machine is shared and noisy: compare within a run only); a short warm-up per contender is not
 * counted. Results: bench/results/sinks-<date>.json.
 *
 *   npm run bench:sinks -- [--sink postgres,mongodb,http] [--records 20000] [--batch 500] [--repeat 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScriptArgs, usageError } from '../../scripts/script-args.ts';
import { services } from '../../test/support/services.ts';
import {
  type Contender,
  httpScenario,
  mongodbScenario,
  postgresScenario,
  type Scenario,
} from './contenders.ts';
import { batches, benchRecords } from './records.ts';

const spec = {
  command: 'npm run bench:sinks --',
  summary:
    'Each datapipe sink plugin against its raw driver doing the same batched writes, in one run; results in bench/results/sinks-<date>.json.',
  options: {
    sink: {
      type: 'string',
      default: 'postgres,mongodb,http',
      value: 'LIST',
      help: 'the sinks to measure, comma-separated: postgres, mongodb, http',
    },
    records: { type: 'string', default: '20000', value: 'N', help: 'records per run (postgres, http)' },
    'mongodb-records': { type: 'string', default: '5000', value: 'N', help: 'records per run for mongodb' },
    batch: { type: 'string', default: '500', value: 'N', help: 'records per batch' },
    repeat: { type: 'string', default: '3', value: 'N', help: 'runs per contender (the median is reported)' },
  },
} as const;
const { values: args } = parseScriptArgs(spec);
const batchSize = Number(args.batch);
const repeat = Number(args.repeat);

const scenarios: Record<string, () => { scenario: Scenario; records: number; note?: string }> = {
  postgres: () => ({
    scenario: postgresScenario(services.postgres.connectionString),
    records: Number(args.records),
  }),
  mongodb: () => ({
    scenario: mongodbScenario(services.mongodb.url, 'datapipe_bench_sinks', 'insert'),
    records: Number(args['mongodb-records']),
    note: 'writeModel insert on both sides: FerretDB 1.24 (SQLite) scans the collection for every upsert, so replace is quadratic on this server',
  }),
  http: () => ({ scenario: httpScenario(), records: Number(args.records) }),
};

interface Run {
  readonly contender: string;
  readonly seconds: number;
  readonly recordsPerSecond: number;
}

async function measure(c: Contender, target: string, records: ReturnType<typeof benchRecords>): Promise<Run> {
  const writer = await c.setup(target);
  const start = process.hrtime.bigint();
  for (const batch of batches(records, batchSize)) await writer.write(batch);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await writer.close();
  const landed = await c.count(target);
  if (landed !== records.length) throw new Error(`${c.name}: ${landed} of ${records.length} records landed`);
  return { contender: c.name, seconds, recordsPerSecond: records.length / seconds };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const results: Record<string, unknown> = {};
const wanted = args.sink.split(',');
for (const name of wanted) {
  if (!Object.hasOwn(scenarios, name))
    usageError(spec, `unknown sink "${name}" (the sinks: ${Object.keys(scenarios).join(', ')})`);
}
for (const name of wanted) {
  const make = scenarios[name] as (typeof scenarios)[string];
  const { scenario, records: count, note } = make();
  const records = benchRecords(count);
  const runs: Run[] = [];
  try {
    // A short warm-up per contender (JIT, connection pools), not counted.
    for (const c of scenario.contenders)
      await measure(c, `${name}_warmup`, records.slice(0, Math.ceil(records.length / 10)));
    for (let r = 0; r < repeat; r++) {
      const order = r % 2 === 0 ? scenario.contenders : [...scenario.contenders].reverse();
      for (const c of order) {
        const run = await measure(
          c,
          `${name}_${r}_${c === scenario.contenders[0] ? 'plugin' : 'raw'}`,
          records,
        );
        runs.push(run);
        console.error(`${name} #${r + 1} ${run.contender}: ${Math.round(run.recordsPerSecond)} records/s`);
      }
    }
  } finally {
    await scenario.dispose();
  }
  const [plugin, raw] = scenario.contenders.map((c) =>
    median(runs.filter((x) => x.contender === c.name).map((x) => x.recordsPerSecond)),
  );
  results[name] = {
    records: count,
    batch: batchSize,
    repeat,
    ...(note ? { note } : {}),
    medianRecordsPerSecond: Object.fromEntries(
      scenario.contenders.map((c, i) => [c.name, Math.round([plugin, raw][i] as number)]),
    ),
    pluginVsRaw: Number(((plugin as number) / (raw as number)).toFixed(3)),
    runs: runs.map((x) => ({
      ...x,
      seconds: Number(x.seconds.toFixed(3)),
      recordsPerSecond: Math.round(x.recordsPerSecond),
    })),
  };
  console.error(`${name}: plugin/raw = ${(results[name] as { pluginVsRaw: number }).pluginVsRaw}`);
}

const date = new Date().toISOString().slice(0, 10);
const dir = join(import.meta.dirname, '../results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `sinks-${date}.json`);
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
} catch {}
const output = {
  command: `node bench/sinks/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
  at: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).availableParallelism(),
  goal: 'plugin ≥ 0.8 × raw',
  sinks: { ...((previous.sinks as Record<string, unknown>) ?? {}), ...results },
};
writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
console.log(JSON.stringify(output.sinks, (k, v) => (k === 'runs' ? undefined : v), 2));
