/**
 * Reads a YAML file keeping the position of every node, so that any problem found later (by the
 * schema, or by a semantic check) can be reported at its file:line:column.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ConfigError, ConfigErrors, type ConfigLocation } from './config-error.ts';

export interface YamlFile {
  readonly file: string;
  /** The plain JavaScript value of the document. */
  readonly data: unknown;
  /** Where the value at `path` is written; falls back to the nearest written ancestor. */
  locate(path: ReadonlyArray<PropertyKey>, opts?: { key?: string }): ConfigLocation;
}

export function readYamlFile(file: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new ConfigError({ file, line: 0, column: 0 }, '', reason);
  }
  return parseYamlText(text, file);
}

export function parseYamlText(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): ConfigLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigErrors(
      doc.errors.map((e) => new ConfigError(position(e.pos[0]), '', `invalid YAML: ${firstLine(e.message)}`)),
    );
  }
  const locate = (path: ReadonlyArray<PropertyKey>, opts: { key?: string } = {}): ConfigLocation => {
    let node: Node | null = doc.contents as Node | null;
    let best = node?.range ? position(node.range[0]) : { file, line: 1, column: 1 };
    const steps = opts.key === undefined ? path : [...path, opts.key];
    for (const [i, step] of steps.entries()) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step),
        );
        if (!pair) break;
        const keyNode = pair.key as Node;
        // An unknown key is reported at the key itself; anything else at its value.
        const isLast = i === steps.length - 1;
        const target = isLast && opts.key !== undefined ? keyNode : ((pair.value as Node | null) ?? keyNode);
        if (target?.range) best = position(target.range[0]);
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof step === 'number') {
        const item = node.items[step] as Node | undefined;
        if (!item) break;
        if (item.range) best = position(item.range[0]);
        node = item;
      } else {
        break;
      }
    }
    return best;
  };
  return { file, data: doc.toJS({ maxAliasCount: 100 }) as unknown, locate };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
