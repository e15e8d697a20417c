/**
 * The `*.test.yaml` format of `datapipe test`: input records and what each sink (and the dead-letter
 * destination) must receive, for the pipeline next to it. Validated by its own schema, so mistakes are
 * reported at file:line:column like any config.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.ts';
import { type LoadedConfig, loadConfigFile } from '../config/load.ts';

const inputRecord = z.strictObject({
  value: z.unknown().meta({
    description: 'The record value: a string is sent as written, anything else as its JSON.',
  }),
  key: z.string().nullable().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timestamp: z
    .union([z.number().int(), z.iso.datetime({ offset: true })])
    .optional()
    .meta({ description: 'Milliseconds since the epoch or an ISO 8601 time; default 0.' }),
});

const expectedRecord = z.strictObject({
  value: z.unknown(),
  key: z.string().nullable().optional().meta({ description: 'Checked when given.' }),
  headers: z.record(z.string(), z.string()).optional().meta({ description: 'Checked when given.' }),
});

const expectedDeadLetter = z.strictObject({
  input: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'Index of the input record; checked when given.' }),
  stage: z.string().meta({ description: '`decode`, `transform` or `sink:<name>`.' }),
  code: z
    .string()
    .optional()
    .meta({ description: 'The error code, e.g. DP_TRANSFORM_FAILED; checked when given.' }),
});

export const pipelineTestSchema = z.strictObject({
  pipeline: z.string().optional().meta({
    description: 'The pipeline file, relative to this file; default: `<name>.yaml` for `<name>.test.yaml`.',
  }),
  bindings: z.string().optional().meta({
    description:
      'A bindings file for the resources the pipeline names (`store:`, `kafka:`, `connection:`), relative to this file. Nothing is connected, so the bindings of any environment do; `datapipe test --bindings FILE` gives one for test files without their own.',
  }),
  env: z.record(z.string(), z.string()).default({}).meta({
    description:
      'Values for the `${VAR}` references of the pipeline (nothing is connected, so they only need the right shape); unset ones come from the environment, else a placeholder.',
  }),
  cases: z
    .array(
      z.strictObject({
        name: z.string(),
        input: z.array(inputRecord).min(1),
        expect: z.strictObject({
          sinks: z.record(z.string(), z.array(expectedRecord)).default({}).meta({
            description: 'Per sink name, the records it receives in order; sinks not named are not checked.',
          }),
          deadLetter: z
            .array(expectedDeadLetter)
            .default([])
            .meta({ description: 'Records dead-lettered, in order.' }),
        }),
      }),
    )
    .min(1),
});

export type PipelineTestFile = z.output<typeof pipelineTestSchema>;
export type TestCase = PipelineTestFile['cases'][number];

export interface LoadedTestFile {
  readonly loaded: LoadedConfig<PipelineTestFile>;
  readonly pipelineFile: string;
  /** The test file's own bindings file, resolved; undefined when it names none. */
  readonly bindingsFile?: string;
}

export function loadTestFile(file: string): LoadedTestFile {
  const loaded = loadConfigFile(file, pipelineTestSchema, {});
  const name = loaded.config.pipeline ?? basename(file).replace(/\.test\.ya?ml$/, '.yaml');
  const pipelineFile = resolve(dirname(file), name);
  if (!existsSync(pipelineFile)) {
    throw new ConfigError(
      loaded.yaml.locate(['pipeline']),
      'pipeline',
      `no pipeline file ${join(dirname(file), name)}`,
    );
  }
  const bindingsName = loaded.config.bindings;
  if (bindingsName === undefined) return { loaded, pipelineFile };
  const bindingsFile = resolve(dirname(file), bindingsName);
  if (!existsSync(bindingsFile)) {
    throw new ConfigError(
      loaded.yaml.locate(['bindings']),
      'bindings',
      `no bindings file ${join(dirname(file), bindingsName)}`,
    );
  }
  return { loaded, pipelineFile, bindingsFile };
}
