/**
 * What `datapipe import` reads from an existing platform: Kubernetes objects (Helm templates read as
 * well as they can be), Terraform resources and Ansible tasks, as plain values with the file they came from.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { classifyFile } from '../audit/file-kind.ts';
import { type HclBlock, parseHcl } from '../audit/objects/hcl.ts';
import { blankTemplateActions } from '../audit/objects/kubernetes-objects.ts';
import { listAuditFiles } from '../audit/walk.ts';

export type Json = Record<string, unknown>;

export interface KubeObject {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly data: Json;
}

interface TfResource {
  readonly file: string;
  /** `aws_s3_bucket`, `azurerm_role_assignment`... (data sources are prefixed `data.`, provider blocks `provider.`). */
  readonly type: string;
  readonly name: string;
  readonly block: HclBlock;
}

interface AnsibleTask {
  readonly file: string;
  readonly module: string;
  readonly args: Json;
}

export interface Inventory {
  readonly kube: KubeObject[];
  readonly terraform: TfResource[];
  readonly ansible: AnsibleTask[];
  /** Text of files an Ansible task points at (`policy_document`), by absolute-ish path. */
  readFile(path: string): string | undefined;
}

export function readInventory(paths: readonly string[]): Inventory {
  const inventory: Inventory = { kube: [], terraform: [], ansible: [], readFile: tryRead };
  for (const { path, inHelmChart } of listAuditFiles(paths)) {
    const text = tryRead(path);
    if (text === undefined) continue;
    const kind = classifyFile(path, text, inHelmChart);
    if (kind === 'kubernetes' || kind === 'kustomize') inventory.kube.push(...kubeObjects(path, text));
    else if (kind === 'helm') inventory.kube.push(...kubeObjects(path, blankTemplateActions(text)));
    else if (kind === 'terraform') inventory.terraform.push(...tfResources(path, text));
    else if (kind === 'ansible') inventory.ansible.push(...ansibleTasks(path, text));
  }
  return inventory;
}

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function yamlValues(text: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: false })
    .filter((d) => d.errors.length === 0)
    .map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
}

function kubeObjects(file: string, text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const value of yamlValues(text)) {
    const data = asObject(value);
    const meta = asObject(data['metadata']);
    if (typeof data['kind'] !== 'string') continue;
    out.push({
      file,
      kind: data['kind'],
      name: typeof meta['name'] === 'string' ? meta['name'] : '',
      namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : undefined,
      data,
    });
  }
  return out;
}

function tfResources(file: string, text: string): TfResource[] {
  const blocks = file.endsWith('.json') ? jsonBlocks(text) : parseHcl(text);
  return blocks
    .filter(
      (b) =>
        ((b.type === 'resource' || b.type === 'data') && b.labels.length >= 2) ||
        (b.type === 'provider' && b.labels.length === 1),
    )
    .map((b) => ({
      file,
      type: b.type === 'resource' ? b.labels[0]! : `${b.type}.${b.labels[0]}`,
      name: b.labels[1] ?? b.labels[0]!,
      block: b,
    }));
}

/** Terraform's JSON syntax as the same blocks the HCL reader gives (lines are not needed here). */
function jsonBlocks(text: string): HclBlock[] {
  let root: Json;
  try {
    root = asObject(JSON.parse(text));
  } catch {
    return [];
  }
  const toBlock = (type: string, labels: string[], body: Json): HclBlock => {
    const attributes = [];
    const blocks: HclBlock[] = [];
    for (const [key, value] of Object.entries(body)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        blocks.push(toBlock(key, [], value as Json));
      else
        attributes.push({
          name: key,
          value: typeof value === 'string' ? value : JSON.stringify(value),
          line: 0,
        });
    }
    return { type, labels, line: 0, attributes, blocks };
  };
  const out: HclBlock[] = [];
  for (const blockType of ['resource', 'data']) {
    for (const [type, named] of Object.entries(asObject(root[blockType]))) {
      for (const [name, body] of Object.entries(asObject(named)))
        out.push(toBlock(blockType, [type, name], asObject(body)));
    }
  }
  return out;
}

function ansibleTasks(file: string, text: string): AnsibleTask[] {
  const out: AnsibleTask[] = [];
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    for (const item of value) {
      const task = asObject(item);
      for (const key of ['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always'])
        visit(task[key]);
      const module = Object.keys(task).find((k) => !NOT_MODULES.has(k));
      if (module && !('hosts' in task)) out.push({ file, module, args: asObject(task[module]) });
    }
  };
  for (const value of yamlValues(text)) visit(value);
  return out;
}

const NOT_MODULES = new Set([
  'name',
  'register',
  'when',
  'loop',
  'with_items',
  'tags',
  'become',
  'vars',
  'notify',
  'environment',
  'tasks',
  'pre_tasks',
  'post_tasks',
  'handlers',
  'block',
  'rescue',
  'always',
  'hosts',
  'roles',
  'connection',
  'gather_facts',
  'delegate_to',
  'ignore_errors',
  'changed_when',
  'failed_when',
  'no_log',
]);

export function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** An Ansible `{{ role_path }}/files/x.json` resolved against the task file's role folder. */
export function resolveRolePath(taskFile: string, value: string): string {
  const roleDir = dirname(dirname(taskFile));
  return value.replace(/\{\{\s*role_path\s*\}\}/, roleDir).replace(/^files\//, join(roleDir, 'files/'));
}

export function attribute(block: HclBlock, name: string): string | undefined {
  return block.attributes.find((a) => a.name === name)?.value;
}
