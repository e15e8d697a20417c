/**
 * The pipeline config language: one zod schema, composed from the sources and sinks the composition
 * root (src/cli/plugins.ts) registers and passes in.
 * It is the single source of validation, of the TypeScript types, of `datapipe schema` (JSON Schema)
 * and of docs/configuration.md.
 */
import { z } from 'zod';
import type {
  BatchDefaults,
  BindingSpec,
  PipelinePlugins,
  SinkPlugin,
  SourcePlugin,
  TransformPlugin,
} from '../core/plugin.ts';
import { byteSize, duration } from './units.ts';

const NAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;

const decodeSchema = z.enum(['json', 'string', 'bytes']).default('json').meta({
  description: 'How record values are decoded: json (UTF-8 JSON), string (UTF-8 text) or bytes (a Buffer).',
});

/**
 * A sink's `batch` field: the shared defaults, or for a sink plugin that declares `batchDefaults`, its own
 * (decision 0080). The one definition of the batch fields.
 */
export function batchSchemaOf(defaults?: BatchDefaults) {
  const own = defaults
    ? ` This sink's own default: ${defaults.reason}`
    : ' A sink with its own default lists it in its section.';
  return z
    .strictObject({
      maxRecords: z
        .number()
        .int()
        .positive()
        .default(defaults?.maxRecords ?? 500)
        .meta({ description: `Flush when the batch holds this many records.${own}` }),
      maxBytes: byteSize()
        .default(defaults?.maxBytes ?? 1024 * 1024)
        .meta({ description: `Flush when the batch holds this many bytes: bounds a batch's memory.${own}` }),
      linger: duration().default(20).meta({
        description:
          'Flush a non-empty batch at the latest this long after its first record, or, when the sink is still writing the batch before it, as soon as the sink is free (the batch goes on filling meanwhile). A source that has nothing more buffered (the Kafka source) flushes sooner: as soon as the sink is free.',
      }),
      flushWhenCaughtUp: z.boolean().default(true).meta({
        description:
          'Write as soon as the source has nothing more buffered and the sink is free (lowest latency). false: wait for maxRecords, maxBytes or linger (fewer, larger writes: e.g. fewer objects in an object store at low rates).',
      }),
    })
    .meta({ description: 'When a sink writes: whichever limit is reached first.' });
}

/** The shared batch defaults. */
export const batchSchema = batchSchemaOf();

export const retrySchema = z
  .strictObject({
    maxAttempts: z.number().int().nonnegative().default(0).meta({
      description:
        'Attempts before a batch that keeps failing with retryable errors is dead-lettered; 0 retries forever (nothing is lost while the sink is down).',
    }),
    initialBackoff: duration()
      .default(100)
      .meta({ description: 'First wait between attempts; doubles each time, with jitter.' }),
    maxBackoff: duration().default(30_000).meta({ description: 'Longest wait between attempts.' }),
  })
  .meta({
    description:
      'Retry of retryable errors (network, throttling, 5xx) with exponential backoff and full jitter.',
  });

export const sinkCommonFields = {
  name: z
    .string()
    .regex(NAME, 'must be lower-case letters, digits, ".", "_" or "-"')
    .meta({ description: 'Unique name of this sink: used in metrics, logs and the run summary.' }),
  when: z.string().optional().meta({
    description:
      'Routing: a JSONata expression on the record; the sink receives only records for which it is true.',
  }),
  required: z.boolean().default(true).meta({
    description:
      'Offsets are committed only when every required sink has written the record. An optional sink is best-effort.',
  }),
  batch: batchSchema.prefault({}),
  retry: retrySchema.prefault({}),
};

export const sourceCommonFields = {
  decode: decodeSchema,
};

/**
 * The option naming a platform resource instead of the connection (`store:`, `kafka:`, `connection:`).
 * Bindings replace it before validation (bindings.ts); it is in the schema for the docs and editors.
 */
function bindingField(binding: BindingSpec | undefined) {
  if (!binding) return {};
  const supplies = binding.fields.map((f) => `\`${f}\``).join(', ');
  return {
    [binding.field]: z
      .string()
      .optional()
      .meta({
        description: `Names a binding of type \`${binding.type}\` in the \`--bindings\` file, which supplies ${supplies} (docs/bindings.md).`,
      }),
  };
}

function sinkVariants(sinkPlugins: readonly SinkPlugin[]) {
  return sinkPlugins.map((p) =>
    z.strictObject({
      type: z.literal(p.type).meta({ description: p.description }),
      ...sinkCommonFields,
      ...(p.batchDefaults ? { batch: batchSchemaOf(p.batchDefaults).prefault({}) } : {}),
      ...bindingField(p.binding),
      ...p.options.shape,
    }),
  );
}

function sourceVariants(sourcePlugins: readonly SourcePlugin[]) {
  return sourcePlugins.map((p) =>
    z.strictObject({
      type: z.literal(p.type).meta({ description: p.description }),
      ...sourceCommonFields,
      ...bindingField(p.binding),
      ...p.options.shape,
    }),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the variants come from the registry
type Variants = [z.ZodObject<any>, ...z.ZodObject<any>[]];

/** One `transforms:` entry: one shape per registered kind. */
function transformSchema(kinds: readonly TransformPlugin[]) {
  return z.union(kinds.map((k) => z.strictObject(k.fields)) as Variants);
}

/** The schema of pipeline files that may name these sources and sinks. */
export function pipelineSchema(plugins: PipelinePlugins) {
  const sinkSchema = z.discriminatedUnion('type', sinkVariants(plugins.sinks) as Variants);
  const sourceSchema = z.discriminatedUnion('type', sourceVariants(plugins.sources) as Variants);
  return z
    .strictObject({
      name: z.string().regex(NAME, 'must be lower-case letters, digits, ".", "_" or "-"').meta({
        description:
          'The pipeline name: the consumer group, the dead-letter topic prefix and the metrics label.',
      }),
      source: sourceSchema,
      transforms: z
        .array(transformSchema(plugins.transforms))
        .default([])
        .meta({ description: 'Applied in order to every record.' }),
      sinks: z.array(sinkSchema).min(1).meta({
        description:
          'Every record goes to every sink (unless routed by `when`), each with its own batching and retries.',
      }),
      deadLetter: sinkSchema.optional().meta({
        description:
          'Where records that cannot be processed go, with their provenance. Defaults to the `<name>.dlq` topic for a Kafka source, else a JSONL file in the state folder.',
      }),
      limits: z
        .strictObject({
          maxInFlightBytes: byteSize()
            .default(64 * 1024 * 1024)
            .meta({
              description:
                'Byte budget of all records read but not yet committed; when full, reading pauses. Reading also pauses earlier, at what the hungriest sink needs (at least 4 MiB): the batches it writes at once (one; four for object-store, one partition each) plus two, of its `batch.maxBytes`. Reading further ahead only makes records wait (decisions 0089, 0096).',
            }),
        })
        .prefault({}),
      shutdown: z
        .strictObject({
          gracePeriod: duration()
            .default(30_000)
            .meta({ description: 'On SIGTERM/SIGINT: time to flush and commit before exiting.' }),
        })
        .prefault({}),
      observability: z
        .strictObject({
          port: z
            .number()
            .int()
            .min(0)
            .max(65535)
            .default(9464)
            .meta({ description: 'Port of /metrics, /healthz and /readyz; 0 picks a free port.' }),
          host: z.string().default('0.0.0.0'),
          enabled: z.boolean().default(true).meta({ description: 'Serve /metrics, /healthz and /readyz.' }),
          logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        })
        .prefault({}),
      stateDir: z.string().optional().meta({
        description:
          'Folder for checkpoints and local state; defaults to `.datapipe/<name>` next to the pipeline file.',
      }),
    })
    .meta({
      title: 'datapipe pipeline',
      description: 'A datapipe pipeline: one source, transforms, and several sinks.',
    });
}

export type PipelineConfig = z.output<ReturnType<typeof pipelineSchema>>;
export type SinkConfig = PipelineConfig['sinks'][number] & {
  type: string;
  name: string;
  when?: string | undefined;
  required: boolean;
  batch: z.output<typeof batchSchema>;
  retry: z.output<typeof retrySchema>;
};
export type SourceConfig = PipelineConfig['source'] & { type: string; decode: 'json' | 'string' | 'bytes' };
/** A `transforms:` entry: the fields of the kind its key names. */
export type TransformConfig = Record<string, unknown>;
