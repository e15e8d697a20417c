/**
 * `render`: neutral model → workload manifests (shared) + the target's six categories of bindings →
 * validated objects, checked policies → files. Nothing is written unless everything is valid.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ConfigError, formatFieldPath } from '../config/config-error.ts';
import type { LoadedConfig } from '../config/load.ts';
import {
  BindingError,
  bindingsConfigMaps,
  bindingsEgressPolicies,
  bindingsPatches,
  inlineSecrets,
} from './bindings.ts';
import { CATEGORIES, type Category } from './categories.ts';
import { targetConfigMapName } from './k8s/common.ts';
import { type K8sObject, recommendedLabels, typed } from './k8s/object.ts';
import { applyPatch, mergePatches, patchTargets } from './k8s/patch.ts';
import { filesByKind, kustomization, patchFile, patchFileName, terraformFile } from './layout.ts';
import { buildModel, type PlatformModel } from './model.ts';
import { rbacWildcards, terraformPolicyWildcards } from './policy-check.ts';
import { renderRunbook } from './runbook.ts';
import type { PlatformConfig } from './schema.ts';
import type { TargetName } from './target-facts.ts';
import type { TargetRegistry } from './targets/descriptor.ts';
import { FactError, methodOf, type RunbookPart } from './targets/target.ts';
import { isEmptyDoc, TerraformBuilder, type TerraformDoc } from './terraform.ts';
import { validateObjects } from './validate.ts';
import { workloadObjects } from './workloads.ts';

export interface RenderResult {
  readonly target: TargetName;
  /** Path relative to the output folder → content. */
  readonly files: ReadonlyMap<string, string>;
  readonly workloads: readonly K8sObject[];
  readonly bindings: readonly K8sObject[];
  readonly patches: readonly K8sObject[];
  /** Workload objects as kustomize will apply them (patches applied). */
  readonly applied: readonly K8sObject[];
  /** File name under provider/ → Terraform JSON document. */
  readonly terraform: ReadonlyMap<string, TerraformDoc>;
}

export class PolicyWildcardError extends Error {
  readonly code = 'DP_PLATFORM_POLICY_WILDCARD';
  constructor(problems: readonly string[]) {
    super(`generated policies must not use wildcards:\n${problems.join('\n')}`);
    this.name = 'PolicyWildcardError';
  }
}

/** The target to render: `--target`, else `targets.default`, else the only target with facts. */
export function chooseTarget(
  loaded: LoadedConfig<PlatformConfig>,
  requested: string | undefined,
  targets: TargetRegistry,
): TargetName {
  const { config, yaml } = loaded;
  const names = targets.names;
  if (requested !== undefined) {
    if (!targets.has(requested))
      throw new Error(`--target must be one of ${names.join(', ')}, not "${requested}"`);
    return requested;
  }
  if (config.targets.default) return config.targets.default;
  const declared = names.filter((n) => config.targets[n] !== undefined);
  if (declared.length === 1) return declared[0]!;
  throw new ConfigError(
    yaml.locate(['targets']),
    'targets.default',
    `several targets declared (${declared.join(', ')}): pass --target or set targets.default`,
  );
}

export function renderPlatform(
  loaded: LoadedConfig<PlatformConfig>,
  targetName: TargetName,
  targets: TargetRegistry,
): RenderResult {
  try {
    return renderChecked(loaded, targetName, targets);
  } catch (err) {
    if (err instanceof FactError)
      throw new ConfigError(loaded.yaml.locate(err.path), formatFieldPath(err.path), err.message);
    throw err;
  }
}

function targetConfigMap(model: PlatformModel, env: Record<string, string>): K8sObject {
  const c = model.config;
  const name = targetConfigMapName(c);
  return typed<IConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: c.namespace,
      labels: recommendedLabels({ name, instance: name, component: 'target', partOf: c.name }),
    },
    data: Object.fromEntries(Object.entries(env).sort(([a], [b]) => a.localeCompare(b))),
  });
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * Pod Security on every rendered Namespace: `restricted` enforced where the platform renders pods
 * (they all meet it); in the others, which hold controllers the user installs from their charts
 * (Prometheus' node-exporter needs the host network, so enforcing would break them), `restricted`
 * is only warned and audited.
 */
function labelPodSecurity(objects: readonly K8sObject[]): void {
  const withPods = new Set(
    objects.filter((o) => POD_TEMPLATE_KINDS.has(o.kind)).map((o) => o.metadata.namespace),
  );
  for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
    const mode = withPods.has(ns.metadata.name) ? 'enforce' : 'warn';
    ns.metadata.labels ??= {};
    const labels = ns.metadata.labels as Record<string, string>;
    labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
    labels[`pod-security.kubernetes.io/${mode}-version`] = 'latest';
    if (mode === 'warn') {
      labels['pod-security.kubernetes.io/audit'] = 'restricted';
      labels['pod-security.kubernetes.io/audit-version'] = 'latest';
    }
  }
}

function renderChecked(
  loaded: LoadedConfig<PlatformConfig>,
  targetName: TargetName,
  targets: TargetRegistry,
): RenderResult {
  const descriptor = targets.get(targetName);
  const target = descriptor.render;
  const model = buildModel(loaded.config, loaded.baseDir, targetName, target.backupIdentity);
  const workloads = workloadObjects(model);
  const bindings: K8sObject[] = [
    targetConfigMap(model, target.containerEnvironment(model)),
    ...bindingsConfigMaps(model, descriptor),
    ...bindingsEgressPolicies(model, descriptor),
  ];
  const unmerged: K8sObject[] = [];
  const terraform = new Map<string, TerraformDoc>([['providers.tf.json', target.providers(model)]]);
  const runbook = {} as Record<Category, RunbookPart>;
  const extraFiles = new Map<string, string>();
  for (const category of CATEGORIES) {
    const tf = new TerraformBuilder();
    const out = target[methodOf(category)]({ model, tf, workloads });
    bindings.push(...out.objects);
    unmerged.push(...(out.patches ?? []));
    runbook[category] = out.runbook;
    for (const [path, text] of Object.entries(out.files ?? {})) {
      if (!path.startsWith('scripts/'))
        throw new Error(`${category}: extra file ${path} must be under scripts/`);
      extraFiles.set(path, text);
    }
    if (!isEmptyDoc(tf.doc)) terraform.set(`${category}.tf.json`, tf.doc);
  }
  unmerged.push(...bindingsPatches(model, descriptor, workloads));
  // One file per patched object: kustomize takes one patch file per object here.
  const patches = mergePatches(unmerged);

  const applied = workloads.map((o) => patches.filter((p) => patchTargets(o, p)).reduce(applyPatch, o));
  for (const p of patches) {
    if (!workloads.some((o) => patchTargets(o, p)))
      throw new Error(`patch ${p.kind}/${p.metadata.name} matches no workload`);
  }
  labelPodSecurity([...applied, ...bindings]);
  validateObjects([...applied, ...bindings]);
  const secrets = inlineSecrets([...workloads, ...bindings]);
  if (secrets.length > 0)
    throw new BindingError(`rendered ConfigMaps must not hold credentials:\n${secrets.join('\n')}`);
  const problems = [
    ...rbacWildcards([...workloads, ...bindings]),
    ...[...terraform].flatMap(([file, doc]) => terraformPolicyWildcards(doc, file)),
  ];
  if (problems.length > 0) throw new PolicyWildcardError(problems);

  const files = new Map<string, string>();
  files.set('kubernetes/kustomization.yaml', kustomization(['bindings']));
  const workloadFiles = filesByKind(workloads);
  for (const [name, text] of workloadFiles) files.set(`kubernetes/workloads/${name}`, text);
  files.set('kubernetes/workloads/kustomization.yaml', kustomization([...workloadFiles.keys()]));
  const bindingFiles = filesByKind(bindings);
  for (const [name, text] of bindingFiles) files.set(`kubernetes/bindings/${name}`, text);
  const sortedPatches = [...patches].sort((a, b) => patchFileName(a).localeCompare(patchFileName(b)));
  for (const p of sortedPatches) files.set(`kubernetes/bindings/${patchFileName(p)}`, patchFile(p));
  files.set(
    'kubernetes/bindings/kustomization.yaml',
    kustomization(['../workloads', ...bindingFiles.keys()], sortedPatches.map(patchFileName)),
  );
  for (const [name, doc] of terraform) files.set(`provider/${name}`, terraformFile(doc));
  for (const [path, text] of extraFiles) files.set(path, text);
  const namespaceFiles = [...files.keys()].filter((f) => f.endsWith('/namespace.yaml'));
  files.set('RUNBOOK.md', renderRunbook(model, descriptor, runbook, namespaceFiles));
  return { target: targetName, files, workloads, bindings, patches, applied, terraform };
}
