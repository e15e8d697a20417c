/**
 * Chaos run: N records with unique ids (and a known number of poison records) over several partitions,
 * consumed by TWO `datapipe run` processes in one consumer group into one idempotent SQLite sink, while
 * faults are injected: SIGKILL of a worker (restarted each time), a broker restart, the sink locked for
 * a while. Then it checks that every record is in the sink or the dead-letter topic exactly once and
 * prints ONE line:
 *   chaos: produced=N delivered=N lost=0 duplicates=0 dead_lettered=M faults=F rewrites=R
 * Duplicates are counted from the sink's write log (rows inserted per produced record id, see
 * sink-check.ts), not from its upsert key; rewrites are replays that hit their own row (not duplicates).
 * `--inject-double` stores one delivered record a second time, under another position, before counting:
 * the run must then report duplicates=1 and fail (the check proven able to fail).
 * also written as JSON to bench/results/chaos-<date>.json (or --results). Exits 1 if anything was lost
 * or duplicated, or if the dead letters are not exactly the poison records.
 *
 *   npm run chaos -- [--records 20000] [--kills 3] [--duration 30] [--no-broker-restart] [--results FILE]
 *                    [--inject-double]
 * Needs the broker: npm run services:up -- kafka.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { parseScriptArgs } from '../script-args.ts';
import { createTopics, producePaced, readAll } from './kafka-admin.ts';
import { injectDouble, lockSink, prepareSink, readSink } from './sink-check.ts';
import { Worker } from './workers.ts';

const root = join(import.meta.dirname, '../..');
const { values } = parseScriptArgs({
  command: 'npm run chaos --',
  summary:
    'Two `datapipe run` workers in one group, killed, with a broker restart and the sink locked on the way; prints lost, duplicates and dead letters (exit 1 when a record is lost or stored twice). Needs the kafka service.',
  options: {
    records: {
      type: 'string',
      default: '20000',
      value: 'N',
      help: 'records produced, each with a unique id',
    },
    partitions: { type: 'string', default: '6', value: 'N', help: 'partitions of the input topic' },
    poison: {
      type: 'string',
      value: 'N',
      help: 'records that must be dead-lettered [default: records / 1000, at least 5]',
    },
    duration: { type: 'string', default: '30', value: 'SECONDS', help: 'how long producing takes' },
    kills: { type: 'string', default: '3', value: 'N', help: 'kill -9 of a worker (restarted each time)' },
    'no-broker-restart': {
      type: 'boolean',
      default: false,
      help: 'do not restart the broker after the first kill',
    },
    'inject-double': {
      type: 'boolean',
      default: false,
      help: 'store one record twice before counting: the run must report duplicates=1 and fail',
    },
    'sink-lock': { type: 'string', default: '8', value: 'SECONDS', help: 'how long the sink is locked' },
    timeout: {
      type: 'string',
      default: '300',
      value: 'SECONDS',
      help: 'how long the records may take to arrive',
    },
    results: {
      type: 'string',
      value: 'FILE',
      help: 'the result as JSON [default: bench/results/chaos-<date>.json]',
    },
    brokers: {
      type: 'string',
      default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092',
      value: 'LIST',
      help: 'bootstrap brokers (KAFKA_BROKERS)',
    },
  },
});
const N = Number(values.records);
const POISON = Number(values.poison ?? Math.max(5, Math.round(N / 1000)));
const brokers = values.brokers.split(',');
const say = (msg: string) => process.stderr.write(`[chaos] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const id = `chaos-${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), `datapipe-${id}-`));
const db = join(dir, 'sink.db');
const input = id;
const dlqTopic = `${id}.dlq`;
await createTopics(brokers, [
  { name: input, partitions: Number(values.partitions) },
  { name: dlqTopic, partitions: 2 },
]);
await prepareSink(db);
const pipeline = join(dir, 'pipeline.yaml');
writeFileSync(
  pipeline,
  stringify({
    name: id,
    source: {
      type: 'kafka',
      brokers,
      topics: [input],
      groupId: id,
      maxWaitTime: '200ms',
      sessionTimeout: '10s',
      heartbeatInterval: '1s',
      rebalanceTimeout: '30s',
    },
    sinks: [
      { type: 'sqlite', name: 'db', path: db, key: '$position', batch: { maxRecords: 500, linger: '100ms' } },
    ],
    deadLetter: {
      type: 'kafka',
      name: 'dlq',
      brokers,
      topic: dlqTopic,
      valueEncoding: 'bytes',
      batch: { linger: '50ms' },
    },
    shutdown: { gracePeriod: '20s' },
    observability: { enabled: false, logLevel: 'info' },
  }),
);

// Records: unique ids; every (N/POISON)-th one is poison (invalid JSON: the decode stage dead-letters it).
const every = Math.floor(N / POISON);
const records = Array.from({ length: N }, (_, i) => {
  const poison = i % every === every - 1 && Math.floor(i / every) < POISON;
  return poison
    ? { key: `p-${i}`, value: Buffer.from(`{"id":${i},"broken":`) }
    : { key: `r-${i}`, value: Buffer.from(JSON.stringify({ id: i, pad: 'x'.repeat(64) })) };
});
const poisonKeys = new Set(records.filter((r) => r.key.startsWith('p-')).map((r) => r.key));
say(`run ${id}: ${N} records (${poisonKeys.size} poison), state in ${dir}`);

const workers = [
  new Worker('a', pipeline, join(dir, 'a.log')),
  new Worker('b', pipeline, join(dir, 'b.log')),
];
for (const w of workers) w.start();

let acked = 0;
const producing = producePaced(brokers, input, records, Number(values.duration) * 1000, (n) => {
  acked = n;
});

let faults = 0;
const faultLog: string[] = [];
const fault = (what: string) => {
  faults++;
  faultLog.push(what);
  say(`fault ${faults}: ${what} (produced so far: ${acked})`);
};
const services = async (cmd: 'up' | 'down') => {
  const log = openSync(join(dir, 'services.log'), 'a');
  // `up` can fail while the old broker is still releasing its ports: try again a few times.
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync('bash', [join(root, 'scripts/services/services.sh'), cmd, 'kafka'], {
      stdio: ['ignore', log, log],
    });
    if (r.status === 0) return;
    if (attempt >= 3)
      throw new Error(`services.sh ${cmd} kafka failed ${attempt} times (see ${dir}/services.log)`);
    await sleep(5000);
  }
};

async function injectFaults(): Promise<void> {
  await sleep(4000);
  const kills = Number(values.kills);
  for (let k = 0; k < kills; k++) {
    const w = workers[k % workers.length]!;
    await w.kill();
    fault(`kill -9 worker ${w.name}`);
    await sleep(1500);
    w.start();
    await sleep(4000);
    if (k === 0 && !values['no-broker-restart']) {
      fault('broker restart');
      await services('down');
      await sleep(2000);
      await services('up');
      await sleep(4000);
    }
    if (k === 1 || (kills < 2 && k === kills - 1)) {
      fault(`sink locked for ${values['sink-lock']} s`);
      await lockSink(db, Number(values['sink-lock']) * 1000);
      await sleep(2000);
    }
  }
}

// Whatever happens, the workers this run started do not outlive it.
const stopWorkers = () => Promise.all(workers.map((w) => w.stop()));
try {
  await Promise.all([producing, injectFaults()]);
} catch (err) {
  say(`aborting: ${err instanceof Error ? err.message : String(err)}`);
  await stopWorkers();
  process.exit(2);
}
const produced = await producing;
say(`produced ${produced}; waiting for every record to reach the sink or the dead-letter topic`);

const goodKeys = records.filter((r) => !poisonKeys.has(r.key)).map((r) => r.key);
const deadLettered = async () => {
  const positions = new Set<string>();
  for (const m of await readAll(brokers, dlqTopic)) {
    const h = new Map([...m.headers].map(([k, v]) => [k.toString(), v.toString()]));
    positions.add(
      `${h.get('datapipe.dlq.topic')}/${h.get('datapipe.dlq.partition')}/${h.get('datapipe.dlq.offset')}`,
    );
  }
  return positions.size;
};
const deadline = Date.now() + Number(values.timeout) * 1000;
for (;;) {
  const sink = readSink(db);
  const have = goodKeys.filter((k) => sink.distinctKeys.has(k)).length;
  if (have === goodKeys.length && (await deadLettered()) >= poisonKeys.size) break;
  if (Date.now() > deadline) {
    say(`timed out: ${have}/${goodKeys.length} records in the sink`);
    break;
  }
  await sleep(1000);
}
const exits = await stopWorkers();
say(`workers stopped (exit codes ${exits.join(', ')})`);
for (const crash of workers.flatMap((w) => w.crashes)) say(`CRASH: ${crash}`);

if (values['inject-double']) say(`injected a double of record ${injectDouble(db)}`);
const sink = readSink(db);
const deliveredGood = goodKeys.filter((k) => sink.distinctKeys.has(k)).length;
const dead = await deadLettered();
const delivered = deliveredGood + Math.min(dead, poisonKeys.size);
const result = {
  produced,
  delivered,
  lost: produced - delivered,
  duplicates: sink.duplicates,
  rewrites: sink.rewrites,
  dead_lettered: dead,
  faults,
  poison: poisonKeys.size,
  fault_log: faultLog,
  worker_starts: Object.fromEntries(workers.map((w) => [w.name, w.starts])),
  crashes: workers.flatMap((w) => w.crashes),
  run: id,
  date: new Date().toISOString(),
};
const line = `chaos: produced=${result.produced} delivered=${result.delivered} lost=${result.lost} duplicates=${result.duplicates} dead_lettered=${result.dead_lettered} faults=${result.faults} rewrites=${result.rewrites}`;
const resultsFile = values.results ?? join(root, 'bench/results', `chaos-${result.date.slice(0, 10)}.json`);
mkdirSync(dirname(resultsFile), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${line}\n`);
const ok =
  result.lost === 0 && result.duplicates === 0 && result.dead_lettered === poisonKeys.size && produced === N;
process.exitCode = ok ? 0 : 1;
