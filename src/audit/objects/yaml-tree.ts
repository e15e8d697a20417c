/** Flattens a YAML node (with positions) into leaves, and reads YAML streams tolerantly. */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import type { Leaf } from './scanned-object.ts';

export interface YamlStream {
  readonly docs: readonly Document.Parsed[];
  lineOf(offset: number): number;
}

/** Every document of a stream; documents with syntax errors are dropped (line rules still see them). */
export function readYamlStream(text: string): YamlStream {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  return {
    docs: list.filter((d) => d.errors.length === 0 && d.contents !== null),
    lineOf: (offset) => lineCounter.linePos(offset).line,
  };
}

export function nodeLine(node: unknown, lineOf: (offset: number) => number): number {
  const range = (node as Node | null)?.range;
  return range ? lineOf(range[0]) : 1;
}

export function collectLeaves(
  node: unknown,
  lineOf: (offset: number) => number,
  path: readonly string[] = [],
  out: Leaf[] = [],
): Leaf[] {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (pair.value === null || pair.value === undefined) {
        out.push({ path: [...path, key], value: '', line: nodeLine(pair.key, lineOf) });
      } else {
        collectLeaves(pair.value, lineOf, [...path, key], out);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      collectLeaves(item, lineOf, [...path, String(i)], out);
    });
  } else if (isScalar(node)) {
    out.push({ path, value: node.value === null ? '' : String(node.value), line: nodeLine(node, lineOf) });
  } else if (isAlias(node)) {
    // An alias repeats an anchored value already collected where it was defined.
  }
  return out;
}

/** The value of `key` in a YAML map node, as a plain string, if it is a scalar. */
export function scalarAt(node: unknown, key: string): string | undefined {
  if (!isMap(node)) return undefined;
  const value = node.get(key, true);
  return isScalar(value) && value.value !== null ? String(value.value) : undefined;
}
