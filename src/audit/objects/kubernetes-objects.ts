/** Kubernetes manifests (and Helm templates once their actions are blanked): one object per document. */
import { isMap } from 'yaml';
import type { ScannedObject } from './scanned-object.ts';
import { collectLeaves, nodeLine, readYamlStream, scalarAt } from './yaml-tree.ts';

export function kubernetesObjects(text: string): ScannedObject[] {
  const { docs, lineOf } = readYamlStream(text);
  const objects: ScannedObject[] = [];
  for (const doc of docs) {
    const kind = scalarAt(doc.contents, 'kind');
    if (kind === undefined) continue;
    const kindNode = isMap(doc.contents) ? doc.contents.get('kind', true) : doc.contents;
    objects.push({ kind, line: nodeLine(kindNode, lineOf), leaves: collectLeaves(doc.contents, lineOf) });
  }
  return objects;
}

/**
 * Helm templates are not YAML until rendered. Read them as well as can be done without values:
 * a line that is only a template action (`{{- if ... }}`, `{{ toYaml . | nindent 4 }}`) becomes blank,
 * an inline action becomes a placeholder. Lines keep their numbers, so findings point at the template.
 */
export function blankTemplateActions(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed.startsWith('{{') && trimmed.endsWith('}}') && !trimmed.slice(2).includes('{{')) return '';
      return line.replace(/\{\{-?.*?-?\}\}/g, 'TEMPLATED');
    })
    .join('\n');
}
