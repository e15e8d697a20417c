/**
 * datapipe itself: `datapipe run` on a generated pipeline file (kafka source → one sink), as users run
 * it, with default batching. Progress = `datapipe_records_out_total` from its /metrics endpoint,
 * i.e. records the sink has durably written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Contender, RunInput, Running } from '../lib/contender.ts';
import { REPO_ROOT } from '../lib/machine.ts';
import { startMeasured } from '../lib/proc.ts';
import { prometheusCounter } from '../lib/progress.ts';
import { datapipeRoot } from '../lib/snapshot.ts';
import { watchedRunning } from './watched.ts';

const NODE = join(REPO_ROOT, 'node_modules/.bin/node');

export interface DatapipeOptions {
  /** The sink entry without `name` (type and its options), given the run's folder. */
  readonly sink: (input: RunInput) => Record<string, unknown>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Extra top-level pipeline fields (limits, ...). */
  readonly pipeline?: Record<string, unknown>;
}

export function pipelineFile(input: RunInput, opts: DatapipeOptions, instance = 0): string {
  const file = join(input.dir, `pipeline-${instance}.yaml`);
  mkdirSync(join(input.dir, `state-${instance}`), { recursive: true });
  const pipeline = {
    name: 'bench',
    source: {
      type: 'kafka',
      brokers: input.kafka.brokers,
      topics: [input.topic],
      groupId: input.group,
      startFrom: 'earliest',
    },
    sinks: [{ name: 'out', ...opts.sink(input) }],
    observability: { port: input.port + instance, host: '127.0.0.1', logLevel: 'warn' },
    stateDir: join(input.dir, `state-${instance}`),
    ...opts.pipeline,
  };
  writeFileSync(file, stringify(pipeline));
  return file;
}

export function startDatapipe(
  input: RunInput,
  opts: DatapipeOptions,
  id: string,
  instance = 0,
  sampleMs = 250,
) {
  const file = pipelineFile(input, opts, instance);
  return startMeasured(
    NODE,
    [...(opts.nodeArgs ?? []), join(datapipeRoot(), 'bin/datapipe.js'), 'run', file],
    { logFile: join(input.dir, `${id}-${instance}.log`), sampleMs, cwd: input.dir },
  );
}

export function metricsUrl(input: RunInput, instance = 0): string {
  return `http://127.0.0.1:${input.port + instance}/metrics`;
}

export function datapipeContender(id: string, description: string, opts: DatapipeOptions): Contender {
  return {
    id,
    description,
    start: async (input: RunInput): Promise<Running> => {
      const spawnAt = Date.now();
      const proc = startDatapipe(input, opts, id);
      return watchedRunning(
        id,
        input,
        proc,
        prometheusCounter(metricsUrl(input), 'datapipe_records_out_total'),
        spawnAt,
      );
    },
  };
}
