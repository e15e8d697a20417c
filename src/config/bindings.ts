/**
 * Bindings: what the platform resources a pipeline names are, in one environment. A pipeline says
 * `store: orders-archive` (object-store sink), `kafka: main` (Kafka source, sink or dead-letter
 * destination), `connection: shop-db` (MongoDB, PostgreSQL sink) or `catalog: lake` (iceberg sink); a
 * bindings file, given with `--bindings FILE` (rendered per target, or written by hand for a local run),
 * says what each name is:
 *
 *   bindings:
 *     orders-archive: { type: object-store, driver: s3, bucket: shop-orders-archive, auth: workload }
 *     main: { type: kafka, brokers: [kafka-0.kafka:9092], sasl: { ..., password: "${file:...}" } }
 *
 * Modelled on Dapr components and Score resources: the workload names a resource, each environment
 * supplies it. The binding owns *where and how to connect* (the fields each plugin's `binding` spec
 * lists); the pipeline owns *what*
 * (format, prefix, database, topics, batching). A field set on both sides is an error, so a pipeline
 * cannot silently pin itself to one provider. `${...}` references in a bindings file resolve against its
 * own folder, as do relative file fields (caBundle, s3.caBundle, path, tls.*). See docs/bindings.md and
 * docs/decisions/0049-bindings.md.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { BindingSpec, PipelinePlugins } from '../core/plugin.ts';
import { ConfigError, ConfigErrors, formatFieldPath } from './config-error.ts';
import { validateYaml } from './load.ts';
import { resolveReferences } from './references.ts';
import { readYamlFile, type YamlFile } from './yaml-file.ts';

/** Binding type → the option schemas of its fields, from the plugins that declare it. */
function bindingKinds(plugins: PipelinePlugins): Map<string, Record<string, z.ZodType>> {
  const kinds = new Map<string, Record<string, z.ZodType>>();
  for (const plugin of [...plugins.sources, ...plugins.sinks]) {
    const spec = plugin.binding;
    if (!spec || kinds.has(spec.type)) continue;
    const shape = plugin.options.shape as Record<string, z.ZodType>;
    kinds.set(spec.type, Object.fromEntries(spec.fields.map((f) => [f, shape[f]!])));
  }
  return kinds;
}

/** Binding names, as in platform.yaml (bucket names are stricter still). */
const NAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;

/** Fields holding a file path, resolved against the bindings file's folder. */
const FILE_FIELDS: readonly (readonly string[])[] = [
  ['caBundle'],
  ['s3', 'caBundle'],
  ['path'],
  ['tls', 'ca'],
  ['tls', 'cert'],
  ['tls', 'key'],
];

function bindingsSchema(plugins: PipelinePlugins) {
  const variants = [...bindingKinds(plugins)].map(([type, shape]) =>
    z.strictObject({ type: z.literal(type), ...shape }),
  );
  return z
    .strictObject({
      target: z
        .string()
        .optional()
        .meta({ description: 'Where these bindings apply (informative), e.g. aws.' }),
      bindings: z.record(
        z.string(),
        z.discriminatedUnion('type', variants as unknown as [z.ZodObject, ...z.ZodObject[]]),
      ),
    })
    .meta({ description: 'What the platform resources named by pipelines are, in one environment.' });
}

export interface Binding {
  readonly name: string;
  readonly type: string;
  /** The binding's fields, references resolved and file paths absolute; without `type`. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface Bindings {
  readonly file: string;
  readonly yaml: YamlFile;
  readonly byName: ReadonlyMap<string, Binding>;
}

export function loadBindingsFile(
  file: string,
  plugins: PipelinePlugins,
  env: NodeJS.ProcessEnv = process.env,
): Bindings {
  return parseBindings(readYamlFile(file), plugins, env);
}

/** Bindings from a parsed document (a file, or one `render` wrote into a ConfigMap). */
export function parseBindings(
  yaml: YamlFile,
  plugins: PipelinePlugins,
  env: NodeJS.ProcessEnv = process.env,
): Bindings {
  const file = yaml.file;
  const baseDir = dirname(resolve(file));
  validateYaml(yaml, bindingsSchema(plugins), env, baseDir); // problems at bindings-file:line:col
  const badNames = Object.keys((yaml.data as { bindings: object }).bindings)
    .filter((name) => !NAME.test(name))
    .map(
      (name) =>
        new ConfigError(
          yaml.locate(['bindings'], { key: name }),
          `bindings.${name}`,
          'must be lower-case letters, digits, ".", "_" or "-"',
        ),
    );
  if (badNames.length > 0) throw new ConfigErrors(badNames);
  const data = resolveReferences(yaml.data, { env, baseDir }) as {
    bindings: Record<string, Record<string, unknown>>;
  };
  const byName = new Map<string, Binding>();
  for (const [name, raw] of Object.entries(data.bindings)) {
    const { type, ...fields } = raw;
    for (const path of FILE_FIELDS) absolutise(fields, path, baseDir);
    byName.set(name, { name, type: String(type), fields });
  }
  return { file, yaml, byName };
}

function absolutise(fields: Record<string, unknown>, path: readonly string[], baseDir: string): void {
  let holder: Record<string, unknown> | undefined = fields;
  for (const step of path.slice(0, -1)) holder = holder?.[step] as Record<string, unknown> | undefined;
  const last = path.at(-1)!;
  const value = holder?.[last];
  if (holder && typeof value === 'string' && value && !isAbsolute(value))
    holder[last] = resolve(baseDir, value);
}

/**
 * The pipeline document with every binding name replaced by the binding's fields. Throws ConfigErrors
 * at the pipeline's lines: a name without a binding, a binding of the wrong kind, a field set twice.
 */
export function applyBindings(
  pipeline: YamlFile,
  plugins: PipelinePlugins,
  bindings: Bindings | undefined,
): unknown {
  const data = structuredClone(pipeline.data) as Record<string, unknown> | null;
  if (data === null || typeof data !== 'object') return pipeline.data;
  const problems: ConfigError[] = [];
  const entries: [PropertyKey[], 'source' | 'sink'][] = [
    [['source'], 'source'],
    [['deadLetter'], 'sink'],
  ];
  const sinks = Array.isArray(data['sinks']) ? data['sinks'] : [];
  for (let i = 0; i < sinks.length; i++) entries.push([['sinks', i], 'sink']);
  for (const [path, role] of entries) {
    const entry = path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], data);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const record = entry as Record<string, unknown>;
    const registry: readonly { type: string; binding?: BindingSpec }[] =
      role === 'source' ? plugins.sources : plugins.sinks;
    const reference = registry.find((p) => p.type === record['type'])?.binding;
    if (!reference || !(reference.field in record)) continue;
    const report = (field: string, reason: string) =>
      problems.push(
        new ConfigError(pipeline.locate([...path, field]), formatFieldPath([...path, field]), reason),
      );
    const name = record[reference.field];
    delete record[reference.field];
    if (typeof name !== 'string') {
      report(reference.field, 'must be the name of a binding');
      continue;
    }
    if (!bindings) {
      report(
        reference.field,
        `names the ${reference.type} binding "${name}": give the bindings with --bindings FILE`,
      );
      continue;
    }
    const binding = bindings.byName.get(name);
    if (!binding) {
      const known = [...bindings.byName.keys()].sort().join(', ') || 'none';
      report(reference.field, `no binding "${name}" in ${bindings.file} (it has: ${known})`);
      continue;
    }
    if (binding.type !== reference.type) {
      report(
        reference.field,
        `binding "${name}" in ${bindings.file} is of type ${binding.type}, not ${reference.type}`,
      );
      continue;
    }
    for (const [field, value] of Object.entries(binding.fields)) {
      if (field in record) {
        const at = bindings.yaml.locate(['bindings', name, field]);
        report(
          field,
          `also set by binding "${name}" (${at.file}:${at.line}): the binding says where and how to connect, the pipeline what to write`,
        );
        continue;
      }
      record[field] = value;
    }
  }
  if (problems.length > 0) throw new ConfigErrors(problems);
  return data;
}
