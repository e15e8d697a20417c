/**
 * Ansible playbooks and role task files: one object per task, its kind the module it calls
 * (`iam_policy`, `amazon.aws.iam_policy`), its leaves the module's arguments.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { ScannedObject } from './scanned-object.ts';
import { collectLeaves, nodeLine, readYamlStream } from './yaml-tree.ts';

/** Keys of a task that are not the module (https://docs.ansible.com/ansible/latest/reference_appendices/playbooks_keywords.html). */
const TASK_KEYWORDS = new Set([
  'name',
  'action',
  'args',
  'any_errors_fatal',
  'async',
  'become',
  'become_exe',
  'become_flags',
  'become_method',
  'become_user',
  'changed_when',
  'check_mode',
  'collections',
  'connection',
  'debugger',
  'delay',
  'delegate_facts',
  'delegate_to',
  'diff',
  'environment',
  'failed_when',
  'ignore_errors',
  'ignore_unreachable',
  'local_action',
  'loop',
  'loop_control',
  'module_defaults',
  'no_log',
  'notify',
  'poll',
  'port',
  'register',
  'remote_user',
  'retries',
  'run_once',
  'tags',
  'throttle',
  'timeout',
  'until',
  'vars',
  'when',
  'with_items',
  'with_dict',
  'with_fileglob',
  'with_first_found',
  'with_together',
  'with_nested',
  'with_sequence',
  'with_subelements',
  'with_list',
  'listen',
]);
const NESTED_TASK_LISTS = ['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always'];

export function ansibleObjects(text: string): ScannedObject[] {
  const { docs, lineOf } = readYamlStream(text);
  const objects: ScannedObject[] = [];
  const visitList = (node: unknown): void => {
    if (!isSeq(node)) return;
    for (const item of node.items) if (isMap(item)) visitTaskOrPlay(item);
  };
  const visitTaskOrPlay = (map: YAMLMap): void => {
    let nested = false;
    for (const key of NESTED_TASK_LISTS) {
      if (map.has(key)) {
        nested = true;
        visitList(map.get(key, true));
      }
    }
    if (nested || map.has('hosts') || map.has('import_playbook')) return;
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || TASK_KEYWORDS.has(key)) continue;
      // The module's line, not the task's first (its `name:`, which only describes it).
      objects.push({
        kind: key,
        line: nodeLine(pair.key, lineOf),
        leaves: collectLeaves(pair.value, lineOf),
      });
      return;
    }
  };
  for (const doc of docs) visitList(doc.contents);
  return objects;
}
