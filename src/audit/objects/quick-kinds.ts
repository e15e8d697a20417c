/**
 * The kinds a file declares, read with one regex instead of a parser, so that a file is parsed
 * only when an object rule could match one of them (most files are not: parsing YAML is the
 * slowest part of an audit). `undefined`: cannot tell cheaply, parse.
 */
import type { FileKind } from '../model.ts';

export function quickKinds(kind: FileKind, path: string, text: string): Set<string> | undefined {
  switch (kind) {
    case 'kubernetes':
    case 'kustomize':
    case 'helm':
      return collect(text, /^kind:\s*["']?([\w.-]+)/gm);
    case 'ansible':
      // Every key that starts a task or sits in one: module names are among them.
      return collect(text, /^[ \t-]*([\w.]+):/gm);
    case 'terraform':
      if (path.endsWith('.json')) return undefined;
      return new Set([
        ...[...text.matchAll(/^\s*(resource|data|provider)\s+"([\w-]+)"/gm)].map((m) => `${m[1]}.${m[2]}`),
        ...[...text.matchAll(/^\s*(terraform|module|locals|variable|output)\b/gm)].map((m) => m[1]!),
      ]);
    default:
      return new Set();
  }
}

function collect(text: string, re: RegExp): Set<string> {
  return new Set([...text.matchAll(re)].map((m) => m[1]!));
}
