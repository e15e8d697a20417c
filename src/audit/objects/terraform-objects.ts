/**
 * Terraform, in HCL or JSON syntax: one object per top-level block, its kind `resource.<type>`,
 * `data.<type>`, `provider.<name>` or the block type (`terraform`, `module`, `locals`...).
 * Nested blocks become path segments: `backend.s3.bucket`, `rule.apply_server_side_encryption_by_default.sse_algorithm`.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { type HclBlock, parseHcl } from './hcl.ts';
import type { Leaf, ScannedObject } from './scanned-object.ts';
import { collectLeaves, nodeLine, readYamlStream } from './yaml-tree.ts';

const LABELLED_KINDS = new Set(['resource', 'data', 'provider']);

export function terraformObjects(text: string, file: string): ScannedObject[] {
  return file.endsWith('.json') ? terraformJsonObjects(text) : parseHcl(text).map(hclObject);
}

function hclObject(block: HclBlock): ScannedObject {
  const kind = LABELLED_KINDS.has(block.type) ? `${block.type}.${block.labels[0] ?? ''}` : block.type;
  return { kind, line: block.line, leaves: hclLeaves(block, []) };
}

function hclLeaves(block: HclBlock, path: readonly string[]): Leaf[] {
  const leaves: Leaf[] = block.attributes.map((a) => ({
    path: [...path, a.name],
    value: a.value,
    line: a.line,
  }));
  for (const inner of block.blocks) leaves.push(...hclLeaves(inner, [...path, inner.type, ...inner.labels]));
  return leaves;
}

function terraformJsonObjects(text: string): ScannedObject[] {
  const { docs, lineOf } = readYamlStream(text);
  const root = docs[0]?.contents;
  if (!isMap(root)) return [];
  const objects: ScannedObject[] = [];
  for (const pair of root.items) {
    const blockType = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!LABELLED_KINDS.has(blockType)) {
      objects.push({
        kind: blockType,
        line: nodeLine(pair.key, lineOf),
        leaves: collectLeaves(pair.value, lineOf),
      });
      continue;
    }
    if (!isMap(pair.value)) continue;
    for (const typed of pair.value.items) {
      const type = isScalar(typed.key) ? String(typed.key.value) : '';
      const kind = `${blockType}.${type}`;
      // resource.<type>.<name> = body; provider.<name> = body or a list of bodies.
      const named =
        blockType === 'provider'
          ? [{ key: typed.key, value: typed.value }]
          : isMap(typed.value)
            ? typed.value.items
            : [];
      for (const { key, value } of named) {
        for (const body of isSeq(value) ? value.items : [value]) {
          objects.push({ kind, line: nodeLine(key, lineOf), leaves: collectLeaves(body, lineOf) });
        }
      }
    }
  }
  return objects;
}
