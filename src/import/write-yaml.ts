/** Writes a draft as YAML with each note as a `# TODO(datapipe import): ...` comment at its field. */
import { Document, isMap, isScalar, isSeq, type Node, YAMLMap } from 'yaml';
import type { DraftPath, Todo } from './draft.ts';

export const TODO_PREFIX = 'TODO(datapipe import):';

export function writeDraftYaml(value: unknown, todos: readonly Todo[], header: readonly string[]): string {
  const doc = new Document(value);
  for (const todo of todos) attach(doc, todo.path, ` ${TODO_PREFIX} ${todo.text}`);
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** On the key of the field when it is a map entry (a comment above it), else above the item. */
function attach(doc: Document, path: DraftPath, text: string): void {
  let node: Node | null = doc.contents as Node | null;
  let target: Node | null = null;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === step);
      if (!pair) break;
      target = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) break;
      target = item;
      node = item;
    } else break;
  }
  const where = target ?? (doc.contents instanceof YAMLMap ? (doc.contents.items[0]?.key as Node) : null);
  if (!where) return;
  where.commentBefore = where.commentBefore ? `${where.commentBefore}\n${text}` : text;
}
