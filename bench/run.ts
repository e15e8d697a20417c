/**
 * `npm run bench -- [options]`: end-to-end benchmarks from Kafka, against the real services
 * (`npm run services:up -- kafka postgres mongodb s3`). See bench/README.md; `--help` lists the options
 * and the scenarios.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScriptArgs, type ScriptOption, type ScriptSpec, usageError } from '../scripts/script-args.ts';
import { runBacklog } from './backlog.ts';
import { KAFKA_VERSION } from './contenders/kafka-connect.ts';
import { createTopic, waitForKafka } from './lib/kafka.ts';
import { machineFacts } from './lib/machine.ts';
import {
  type LatencyResult,
  type MeasureContext,
  measureLatency,
  measureThroughput,
  type ThroughputResult,
} from './lib/measure.ts';
import { refreshSummary, writeScenarioResult } from './lib/results.ts';
import { endpoints } from './lib/services.ts';
import { snapshotDatapipe } from './lib/snapshot.ts';
import { runProfile } from './profile.ts';
import { scenarios } from './scenarios.ts';

/** The scenarios besides the catalogue's: the backlog memory run and the profile. */
const special: Readonly<Record<string, string>> = {
  backlog: 'RSS every second while a slow sink works through a backlog',
  profile: 'node --cpu-prof on a datapipe → null run; top frames',
};
const scenarioList = () =>
  [...scenarios.map((s) => [s.id, s.title] as const), ...Object.entries(special)]
    .map(([id, title]) => `${id.padEnd(10)} ${title}`)
    .join('\n');

const spec = {
  command: 'npm run bench --',
  summary:
    'End-to-end benchmarks from Kafka against the raw clients and Kafka Connect, on the real services; results in bench/results/ and bench/README.md.',
  options: {
    scenario: {
      type: 'string',
      default: 'all',
      value: 'LIST',
      help: 'scenarios to run, comma-separated (below); all = every one but profile',
    },
    records: {
      type: 'string',
      default: '200000',
      value: 'N',
      help: 'records per throughput run (for 1 KiB records; scaled for other sizes)',
    },
    size: {
      type: 'string',
      default: '1024',
      value: 'BYTES',
      help: 'record size(s), comma-separated: 100,1024,10240',
    },
    partitions: { type: 'string', default: '4', value: 'N', help: 'partitions of the throughput topic' },
    repeat: {
      type: 'string',
      default: '3',
      value: 'N',
      help: 'throughput runs per contender (median, min and max are reported)',
    },
    rate: { type: 'string', default: '2000', value: 'N', help: 'records/s of the fixed-rate latency run' },
    seconds: { type: 'string', default: '10', value: 'N', help: 'duration of the fixed-rate latency run' },
    'no-latency': { type: 'boolean', default: false, help: 'skip the latency runs' },
    'backlog-records': { type: 'string', default: '1000000', value: 'N', help: 'backlog scenario: records' },
    'backlog-seconds': {
      type: 'string',
      // the heap takes 20-60 s to settle under a backlog: a shorter run's second half still holds that growth
      default: '120',
      value: 'N',
      help: 'backlog scenario: how long RSS is sampled',
    },
    'backlog-delay': {
      type: 'string',
      default: '100ms',
      value: 'DURATION',
      help: "backlog scenario: the slow sink's delay per batch",
    },
    profile: { type: 'boolean', default: false, help: 'with --scenario all: also the profile scenario' },
    'profile-sink': {
      type: 'string',
      default: 'null',
      value: 'SINK',
      help: 'profile datapipe → null, → file (fs JSONL), or → the sink of a sink scenario (s3, azure, gcs, http, kafka, ...)',
    },
    'timeout-seconds': { type: 'string', default: '300', value: 'N', help: 'deadline of each run' },
    list: { type: 'boolean', default: false, help: 'print the scenarios and exit' },
    'summary-only': {
      type: 'boolean',
      default: false,
      help: "only re-render bench/README.md's results and the chart from latest.json",
    },
  },
  more: () => `scenarios:\n${scenarioList().replace(/^/gm, '  ')}`,
} as const satisfies ScriptSpec<Record<string, ScriptOption>>;
const { values } = parseScriptArgs(spec);

if (values['summary-only']) {
  refreshSummary();
  process.exit(0);
}

if (values.list) {
  console.log(scenarioList());
  process.exit(0);
}

const wanted =
  values.scenario === 'all'
    ? [...scenarios.map((s) => s.id), 'backlog', ...(values.profile ? ['profile'] : [])]
    : values.scenario.split(',').map((s) => s.trim());
for (const id of wanted) {
  if (!Object.hasOwn(special, id) && !scenarios.some((s) => s.id === id)) {
    const known = [...scenarios.map((s) => s.id), ...Object.keys(special)];
    usageError(spec, `unknown scenario "${id}" (the scenarios: ${known.join(', ')})`);
  }
}

const env = await endpoints();
const runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const runDir = join(tmpdir(), `datapipe-bench-${runId}`);
mkdirSync(runDir, { recursive: true });
let port = 19500 + Math.floor(Math.random() * 200) * 10;
const ctx: MeasureContext = {
  kafka: { brokers: env.kafkaBrokers },
  runDir,
  runId: runId.replace('-', ''),
  log: (line) => console.error(line),
  nextPort: () => {
    port += 10;
    return port;
  },
};
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
const sizes = values.size.split(',').map(Number);
const baseRecords = Number(values.records);
const timeoutMs = Number(values['timeout-seconds']) * 1000;
const facts = () =>
  machineFacts({ kafka: KAFKA_VERSION, 'kafka-connect': KAFKA_VERSION, 'datapipe-commit': measuredCommit });
let measuredCommit = 'unknown';
console.error(`bench ${runId}: ${wanted.join(', ')}; sizes ${sizes.join(', ')} B; work dir ${runDir}`);

/** Same bytes per run whatever the record size, within 2× the record count. */
const recordsFor = (size: number) => Math.min(2 * baseRecords, Math.round((baseRecords * 1024) / size));

const measured = await snapshotDatapipe(runDir);
measuredCommit = measured.commit;
console.error(`  measuring datapipe ${measured.commit} (copied to ${measured.root})`);
await waitForKafka(ctx.kafka, 120_000);
// the pipelines' default dead-letter destination is the `<name>.dlq` topic, which must exist
await createTopic(ctx.kafka, 'bench.dlq', 1).catch(() => {});

let failed = false;
for (const id of wanted) {
  // The broker of the shared test services is restarted now and then by other suites: a scenario that
  // fails gets one more attempt once Kafka answers again.
  for (let attempt = 1; attempt <= 2; attempt++) {
    const ok = await runScenario(id);
    if (ok) break;
    if (attempt === 2) failed = true;
    else console.error(`  retrying scenario ${id} once`);
  }
}
// What the runs wrote (the objects, Connect's files, state folders: about 1 GB for `file`) is worth
// keeping only for the logs of a failed scenario; the results are in bench/results/.
if (failed) console.error(`work dir kept for the logs of the failed scenarios: ${runDir}`);
else rmSync(runDir, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;

async function runScenario(id: string): Promise<boolean> {
  const startedAt = new Date().toISOString();
  try {
    await waitForKafka(ctx.kafka, 120_000);
    if (id === 'backlog') {
      const result = await runBacklog(ctx, {
        records: Number(values['backlog-records']),
        seconds: Number(values['backlog-seconds']),
        delay: values['backlog-delay'],
        size: 1024,
      });
      await writeScenarioResult({ scenario: id, startedAt, command, machine: facts(), result, ratios: {} });
      return true;
    }
    if (id === 'profile') {
      const name = values['profile-sink'];
      const sinkScenario = scenarios.find((s) => s.id === name && s.sink);
      if (name !== 'null' && name !== 'file' && !sinkScenario) {
        throw new Error(`--profile-sink ${name}: not null, file or a sink scenario with a sink`);
      }
      await sinkScenario?.setup?.(env);
      // twice the records: start-up (module loading, group join) must not dominate the profile
      const result = await runProfile(ctx, {
        records: 2 * baseRecords,
        size: 1024,
        partitions: Number(values.partitions),
        sink: sinkScenario
          ? { id: sinkScenario.id, entry: (group) => sinkScenario.sink!(env, group) }
          : (name as 'null' | 'file'),
      });
      await sinkScenario
        ?.cleanup?.(env, ctx.runId)
        .catch((err: Error) => console.error(`  cleanup: ${err.message}`));
      // a sink scenario's profile is kept under its own name: `profile` stays the null one of the README
      const scenario = sinkScenario ? `profile-${sinkScenario.id}` : id;
      await writeScenarioResult({ scenario, startedAt, command, machine: facts(), result, ratios: {} });
      return true;
    }
    const scenario = scenarios.find((s) => s.id === id)!;
    console.error(`\n== ${scenario.id}: ${scenario.title}`);
    await scenario.setup?.(env);
    const contenders = scenario.contenders(env);
    const bySize: Array<{
      size: number;
      records: number;
      throughput: Record<string, ThroughputResult>;
      latency: Record<string, LatencyResult>;
      ratios: Record<string, number>;
    }> = [];
    for (const size of sizes) {
      const records = Math.min(
        recordsFor(size) * (scenario.recordsFactor ?? 1),
        scenario.maxRecords ?? Number.POSITIVE_INFINITY,
      );
      const throughput = await measureThroughput(ctx, contenders, {
        records,
        size,
        partitions: Number(values.partitions),
        repeat: Number(values.repeat),
        timeoutMs,
      });
      const latency =
        scenario.latency && !values['no-latency']
          ? await measureLatency(ctx, contenders, {
              size,
              rate: Math.min(Number(values.rate), scenario.maxRate ?? Number.POSITIVE_INFINITY),
              seconds: Number(values.seconds),
              warmup: 200,
              timeoutMs: Math.min(timeoutMs, 120_000),
            })
          : {};
      const ratios = scenario.ratios({ throughput, latency });
      console.error(`  ${size} B ratios: ${JSON.stringify(ratios)}`);
      bySize.push({ size, records, throughput, latency, ratios });
    }
    await scenario
      .cleanup?.(env, ctx.runId)
      .catch((err: Error) => console.error(`  cleanup: ${err.message}`));
    // The headline ratios (latest.json) are those of 1 KiB records; a run of other sizes only is kept
    // under its own name (`null-sizes-100-10240`) and does not replace them.
    const headline = bySize.find((b) => b.size === 1024);
    await writeScenarioResult({
      scenario: headline ? id : `${id}-sizes-${sizes.join('-')}`,
      startedAt,
      command,
      machine: facts(),
      result: {
        title: scenario.title,
        contenders: contenders.map((c) => ({ id: c.id, description: c.description })),
        sizes: bySize,
      },
      ratios: headline?.ratios ?? {},
    });
    return true;
  } catch (err) {
    console.error(`scenario ${id} failed: ${(err as Error).stack ?? err}`);
    return false;
  }
}
