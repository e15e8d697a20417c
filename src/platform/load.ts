/**
 * Loading platform.yaml: schema validation (file:line:col + field, from src/config/load.ts) plus the
 * cross-references a schema cannot express, each reported at the line of the offending field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Bindings, parseBindings } from '../config/bindings.ts';
import { ConfigError, ConfigErrors, formatFieldPath } from '../config/config-error.ts';
import { type LoadedConfig, loadConfigFile } from '../config/load.ts';
import { loadPipelineFile } from '../config/pipeline.ts';
import { parseYamlText, readYamlFile } from '../config/yaml-file.ts';
import type { PipelinePlugins } from '../core/plugin.ts';
import { BindingError, bindingsDocument, bindingsFor, namedResources } from './bindings.ts';
import { type GrantAction, type PlatformConfig, platformSchema } from './schema.ts';
import type { TargetRegistry } from './targets/descriptor.ts';
import { FactError } from './targets/target.ts';

/** Identities the platform itself runs (installed controllers), besides its workloads. */
const PLATFORM_IDENTITIES = ['external-dns', 'grafana'] as const;
/** Sources of traffic that are not workloads. */
const TRAFFIC_SOURCES = ['gateway', 'monitoring'] as const;

const ACTIONS_BY_RESOURCE: Record<string, readonly GrantAction[]> = {
  bucket: ['read', 'write', 'list'],
  dnsZone: ['manageRecords'],
  metrics: ['readMetrics'],
};

/** `pipelines`: the sources and sinks the workloads' pipeline files are checked against. */
export function loadPlatformFile(
  file: string,
  pipelines: PipelinePlugins,
  targets: TargetRegistry,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig<PlatformConfig> {
  const loaded = loadConfigFile(file, platformSchema(targets), env);
  const problems = checkReferences(loaded, pipelines, targets);
  if (problems.length > 0) throw new ConfigErrors(problems);
  return loaded;
}

/**
 * Pipeline files are checked against the pipeline schema at render time. Their `${ENV}` references
 * resolve only in the pod, so here each reads as its own text, and a problem with a field whose value
 * is a reference is not reported (its real value is unknown until then).
 */
const UNRESOLVED_ENV: NodeJS.ProcessEnv = new Proxy({}, { get: (_t, name) => `\${${String(name)}}` });

function referencePaths(value: unknown, path: PropertyKey[] = [], out = new Set<string>()): Set<string> {
  if (typeof value === 'string' && value.includes('${')) out.add(formatFieldPath(path));
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) referencePaths(v, [...path, i], out);
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) referencePaths(v, [...path, k], out);
  return out;
}

function pipelineProblem(
  path: string,
  pipelines: PipelinePlugins,
  targets: TargetRegistry,
  config: PlatformConfig,
  file: string,
): string | undefined {
  // A pipeline that names resources is checked with the bindings each declared target renders for it.
  const text = readFileSync(path, 'utf8');
  const declared = targets.list.filter((t) => config.targets[t.name] !== undefined);
  const bound = namedResources(text).length > 0;
  for (const target of bound ? declared : [undefined]) {
    let bindings: Bindings | undefined;
    try {
      if (target !== undefined) {
        const doc = bindingsDocument(target.name, bindingsFor(config, target, text, file));
        const where = join(dirname(path), `bindings.${target.name}.yaml (rendered)`);
        bindings = parseBindings(parseYamlText(doc, where), pipelines, UNRESOLVED_ENV);
      }
    } catch (err) {
      if (err instanceof BindingError) return err.message;
      if (err instanceof FactError) return undefined; // a fact the platform lacks: reported at its own field
      throw err;
    }
    const problem = pipelineProblemWith(path, pipelines, bindings);
    if (problem)
      return target === undefined ? problem : `${problem} (with the bindings of target ${target.name})`;
  }
  return undefined;
}

function pipelineProblemWith(
  path: string,
  pipelines: PipelinePlugins,
  bindings: Bindings | undefined,
): string | undefined {
  try {
    loadPipelineFile(path, pipelines, UNRESOLVED_ENV, bindings);
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof ConfigErrors)) throw err;
    const withReferences = referencePaths(readYamlFile(path).data);
    const problems = err instanceof ConfigErrors ? err.problems : [err];
    const real = problems.find((p) => !withReferences.has(p.field));
    return real ? `not a valid pipeline: ${real.message}` : undefined;
  }
}

function pipelineName(path: string): unknown {
  return (readYamlFile(path).data as { name?: unknown } | null)?.name;
}

function checkReferences(
  loaded: LoadedConfig<PlatformConfig>,
  pipelines: PipelinePlugins,
  targets: TargetRegistry,
): ConfigError[] {
  const { config: c, yaml, baseDir } = loaded;
  const problems: ConfigError[] = [];
  const report = (path: PropertyKey[], reason: string) =>
    problems.push(new ConfigError(yaml.locate(path), formatFieldPath(path), reason));

  const workloads = new Map<string, string>();
  const kinds = ['pipelines', 'services', 'statefulServices'] as const;
  for (const kind of kinds) {
    c.workloads[kind].forEach((w, i) => {
      if (workloads.has(w.name))
        report(['workloads', kind, i, 'name'], `duplicate workload name "${w.name}"`);
      else if ((TRAFFIC_SOURCES as readonly string[]).includes(w.name))
        report(['workloads', kind, i, 'name'], `"${w.name}" is reserved for a traffic source`);
      workloads.set(w.name, kind);
      const secretNames = new Set(w.secretEnv.map((e) => e.name));
      for (const name of Object.keys(w.env)) {
        if (secretNames.has(name))
          report(['workloads', kind, i, 'env', name], `"${name}" is also in secretEnv; keep it in one place`);
        else if (kind === 'pipelines' && name === 'NODE_OPTIONS')
          report(['workloads', kind, i, 'env', name], 'is set from the memory limit; not settable');
      }
    });
  }
  c.workloads.pipelines.forEach((p, i) => {
    const path = resolve(baseDir, p.file);
    const reason = existsSync(path) ? pipelineProblem(path, pipelines, targets, c, p.file) : 'file not found';
    if (reason) report(['workloads', 'pipelines', i, 'file'], reason);
    else if (pipelineName(path) !== p.name)
      report(['workloads', 'pipelines', i, 'name'], 'must equal the `name` in its pipeline file');
    if (p.autoscaling && p.autoscaling.maxReplicas < p.autoscaling.minReplicas)
      report(['workloads', 'pipelines', i, 'autoscaling', 'maxReplicas'], 'must be at least minReplicas');
  });

  const volumes = new Map(c.volumes.map((v) => [v.name, 0]));
  c.workloads.statefulServices.forEach((s, i) => {
    const uses = volumes.get(s.volume);
    if (uses === undefined) report(['workloads', 'statefulServices', i, 'volume'], `no volume "${s.volume}"`);
    else if (uses > 0)
      report(['workloads', 'statefulServices', i, 'volume'], `volume "${s.volume}" is already used`);
    else volumes.set(s.volume, 1);
  });
  c.volumes.forEach((v, i) => {
    if (volumes.get(v.name) === 0) report(['volumes', i, 'name'], 'not used by any stateful service');
  });

  const buckets = new Set(c.buckets.map((b) => b.name));
  c.exposure.forEach((e, i) => {
    if (workloads.get(e.service) !== 'services')
      report(['exposure', i, 'service'], `no service "${e.service}" in workloads.services`);
    if (e.basicAuth && e.via === 'ingress')
      report(
        ['exposure', i, 'basicAuth'],
        'basic auth needs `via: gateway` (a plain Ingress has no portable auth)',
      );
    if (e.via === 'ingress' && !e.ingressNamespace)
      report(
        ['exposure', i, 'ingressNamespace'],
        'required with `via: ingress` (the Ingress controller namespace)',
      );
    if (e.host !== c.dns.zone && !e.host.endsWith(`.${c.dns.zone}`))
      report(['exposure', i, 'host'], `must be inside the DNS zone "${c.dns.zone}"`);
  });

  c.grants.forEach((g, i) => {
    const isPlatformIdentity = (PLATFORM_IDENTITIES as readonly string[]).includes(g.identity);
    if (!workloads.has(g.identity) && !isPlatformIdentity)
      report(['grants', i, 'identity'], `no workload or platform identity "${g.identity}"`);
    const kind = Object.keys(g.resource)[0] as keyof typeof ACTIONS_BY_RESOURCE;
    const allowed = ACTIONS_BY_RESOURCE[kind] ?? [];
    g.actions.forEach((a, j) => {
      if (!allowed.includes(a))
        report(
          ['grants', i, 'actions', j],
          `"${a}" does not apply to a ${kind} (allowed: ${allowed.join(', ')})`,
        );
    });
    if ('bucket' in g.resource && !buckets.has(g.resource.bucket))
      report(['grants', i, 'resource', 'bucket'], `no bucket "${g.resource.bucket}" in buckets`);
    if ('dnsZone' in g.resource && g.resource.dnsZone !== c.dns.zone)
      report(['grants', i, 'resource', 'dnsZone'], `must be the platform zone "${c.dns.zone}"`);
  });

  c.network.allow.forEach((r, i) => {
    if (!workloads.has(r.from) && !(TRAFFIC_SOURCES as readonly string[]).includes(r.from))
      report(['network', 'allow', i, 'from'], `no workload "${r.from}" (or gateway, monitoring)`);
    if ((r.to === undefined) === (r.toCidr === undefined))
      report(['network', 'allow', i], 'give exactly one of `to` (a workload) or `toCidr`');
    if (r.to !== undefined && !workloads.has(r.to))
      report(['network', 'allow', i, 'to'], `no workload "${r.to}"`);
  });

  if (c.backup && !buckets.has(c.backup.bucket))
    report(['backup', 'bucket'], `no bucket "${c.backup.bucket}" in buckets`);
  c.catalogs.forEach((k, i) => {
    if (!buckets.has(k.bucket)) report(['catalogs', i, 'bucket'], `no bucket "${k.bucket}" in buckets`);
    const unmanaged = targets.list.filter(
      (t) => c.targets[t.name] !== undefined && !t.bindings.icebergCatalog,
    );
    if (!k.uri && unmanaged.length > 0)
      report(
        ['catalogs', i],
        `catalog "${k.name}": ${unmanaged.map((t) => t.title).join(', ')} ${unmanaged.length > 1 ? 'have' : 'has'} no managed Iceberg catalog: set \`uri\` to the REST catalog you run there (docs/bindings.md)`,
      );
  });

  const declared = targets.names.filter((t) => c.targets[t] !== undefined);
  if (declared.length === 0)
    report(['targets'], `declare the facts of at least one target (${targets.names.join(', ')})`);
  if (c.targets.default && !c.targets[c.targets.default])
    report(['targets', 'default'], `no "${c.targets.default}" block under targets`);
  return problems;
}
