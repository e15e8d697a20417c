/** Writes a draft as YAML with each note as a `# TODO(datapipe import): ...` comment at its field. */
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { DraftPath, Todo } from './draft.ts';

export const TODO_PREFIX = 'TODO(datapipe import):';

export function writeDraftYaml(value: unknown, todos: readonly Todo[], header: readonly string[]): string {
  const doc = new Document(value);
  const unattached: string[] = [];
  for (const todo of todos) {
    const text = ` ${TODO_PREFIX} ${todo.text}`;
    if (!attach(doc, todo.path, text)) unattached.push(text);
  }
  doc.commentBefore = [
    ...header.map((l) => ` ${l}`),
    ...(unattached.length > 0 ? ['', ...unattached] : []),
  ].join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/**
 * On the key of the field when it is a map entry (a comment above it), else above the item.
 * False when the field is not in the draft (e.g. a `backup` that could not be drafted).
 */
function attach(doc: Document, path: DraftPath, text: string): boolean {
  let node: Node | null = doc.contents as Node | null;
  let target: Node | null = null;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === step);
      if (!pair) return false;
      target = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) return false;
      target = item;
      node = item;
    } else return false;
  }
  if (!target) return false;
  target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${text}` : text;
  return true;
}
