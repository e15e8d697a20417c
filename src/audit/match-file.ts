/**
 * Runs the rules that apply to one file: line rules on every line that is not a comment, object
 * rules on the file's parsed objects. Pure: text in, matches out (no file system), so rule
 * fixtures run through exactly the code a real scan does.
 */
import type { CompiledRule } from './catalogue.ts';
import type { FileKind } from './model.ts';
import { objectsOf, type ScannedObject } from './objects/index.ts';
import { quickKinds } from './objects/quick-kinds.ts';
import { matchPath } from './path-pattern.ts';

export interface RuleMatch {
  readonly rule: CompiledRule;
  /** 1-based. */
  readonly line: number;
  readonly evidence: string;
  /** For object rules: the `metadata.name` of the matched object, which other rules may refer to. */
  readonly objectName?: string | undefined;
  /** Holds only if `rule` matched an object of this name somewhere in the audit (see resolveReferences). */
  readonly needsName?: { readonly rule: string; readonly name: string } | undefined;
}

export function matchFile(
  path: string,
  kind: FileKind,
  text: string,
  rules: readonly CompiledRule[],
): RuleMatch[] {
  const applicable = rules.filter((r) => r.kinds.has(kind));
  if (applicable.length === 0) return [];
  // `fileContains` is tested on the whole text only once a rule would otherwise match, and once per file.
  const contains = new Map<CompiledRule, boolean>();
  const fileHas = (r: CompiledRule): boolean => {
    if (r.fileContains === undefined) return true;
    let ok = contains.get(r);
    if (ok === undefined) {
      ok = r.fileContains.test(text);
      contains.set(r, ok);
    }
    return ok;
  };
  const lines = text.split('\n');
  const isComment = commentTest(kind, path);
  const matches: RuleMatch[] = [];
  const seen = new Set<string>();
  const add = (rule: CompiledRule, line: number, found: Partial<RuleMatch> = {}) => {
    const key = rule.entry.match.oncePerFile
      ? rule.entry.id
      : `${rule.entry.id}:${line}:${found.needsName?.name ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    matches.push({ ...found, rule, line, evidence: evidenceAt(lines, line) });
  };

  const lineRules = applicable.filter((r) => r.line !== undefined);
  if (lineRules.length > 0) {
    const anyRule = unionOf(lineRules);
    // Worked out only when an `outsideText` rule matches a line: most files never need it.
    let inText: boolean[] | undefined;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!;
      if (!anyRule.test(text) || isComment(text)) continue;
      for (const rule of lineRules) {
        const named = rule.entry.match.valueNamedBy;
        const found = named === undefined ? rule.line!.test(text) : rule.line!.exec(text);
        if (!found || !fileHas(rule)) continue;
        if (rule.entry.match.outsideText) {
          inText ??= blockScalarLines(lines);
          if (inText[i]) continue;
        }
        const value = found === true ? undefined : found[1];
        if (named !== undefined && value === undefined) continue;
        add(rule, i + 1, named === undefined ? {} : { needsName: { rule: named, name: value! } });
      }
    }
  }

  const declared = quickKinds(kind, path, text);
  const objectRules = applicable.filter(
    (r) =>
      r.object !== undefined &&
      (declared === undefined || [...declared].some((k) => r.object!.kind.test(k))) &&
      fileHas(r),
  );
  if (objectRules.length > 0) {
    const objects = objectsOf(kind, text, path);
    for (const rule of objectRules) {
      for (const object of objects) {
        const leaves = matchObject(rule, object);
        if (leaves.length === 0) continue;
        const objectName = nameOf(object);
        for (const leaf of leaves) {
          const named = rule.entry.match.valueNamedBy;
          add(rule, leaf.line, {
            objectName,
            needsName: named === undefined ? undefined : { rule: named, name: leaf.value },
          });
        }
      }
    }
  }
  return withoutRestatements(matches).sort(
    (a, b) => a.line - b.line || a.rule.entry.id.localeCompare(b.rule.entry.id),
  );
}

/**
 * A match through a name (`valueNamedBy`) says nothing new when another rule already reported the
 * same line for the same category and provider (a claim naming `gp3` is found by its name already).
 */
function withoutRestatements(matches: RuleMatch[]): RuleMatch[] {
  const direct = new Set(
    matches
      .filter((m) => m.needsName === undefined)
      .map((m) => `${m.line}:${m.rule.entry.category}:${m.rule.entry.provider}`),
  );
  return matches.filter(
    (m) =>
      m.needsName === undefined || !direct.has(`${m.line}:${m.rule.entry.category}:${m.rule.entry.provider}`),
  );
}

interface LineUnion {
  test(line: string): boolean;
}

const unions = new Map<string, LineUnion>();

/**
 * One test that passes when any of the rules matches a line: most lines match none, and one test
 * is much cheaper than a hundred. Rules anchored at the line start (`^...`) go in a regex of their
 * own, tried at position 0 only; the others in one tried at every position. Cached by the set of
 * rules (the same few sets recur per kind).
 */
function unionOf(rules: readonly CompiledRule[]): LineUnion {
  const key = rules.map((r) => r.entry.id).join(',');
  let union = unions.get(key);
  if (union === undefined) {
    // Case-insensitive rules cannot share a flag with the others: then every line is tried.
    if (rules.some((r) => r.entry.match.ignoreCase)) union = { test: () => true };
    else {
      const sources = rules.map((r) => r.line!.source);
      // Most anchored rules start with `^\s*` (YAML indentation): skip it once, atomically.
      const indented = sources
        .filter((s) => isAnchored(s) && s.startsWith('^\\s*'))
        .map((s) => `(?:${s.slice(4)})`);
      const anchored = sources
        .filter((s) => isAnchored(s) && !s.startsWith('^\\s*'))
        .map((s) => `(?:${s.slice(1)})`);
      const floating = sources.filter((s) => !isAnchored(s)).map((s) => `(?:${s})`);
      const starts = [
        ...(indented.length > 0 ? [`(?=(\\s*))\\1(?:${indented.join('|')})`] : []),
        ...anchored,
      ];
      const atStart = starts.length > 0 ? new RegExp(`^(?:${starts.join('|')})`) : undefined;
      const anywhere = floating.length > 0 ? new RegExp(floating.join('|')) : undefined;
      union = { test: (line) => (atStart?.test(line) ?? false) || (anywhere?.test(line) ?? false) };
    }
    unions.set(key, union);
  }
  return union;
}

/** Whether a regex source is `^` followed by an expression with no top-level `|`. */
function isAnchored(source: string): boolean {
  if (!source.startsWith('^')) return false;
  let depth = 0;
  let inClass = false;
  for (let i = 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  return true;
}

/**
 * Keeps the matches that hold across files: a match that needs a name (`valueNamedBy`) stays only
 * when the rule it names matched an object of that name in any of `matches`.
 */
export function resolveReferences<M extends RuleMatch>(matches: readonly M[]): M[] {
  const named = new Map<string, Set<string>>();
  for (const m of matches) {
    if (m.objectName === undefined || m.needsName !== undefined) continue;
    const names = named.get(m.rule.entry.id) ?? new Set<string>();
    named.set(m.rule.entry.id, names);
    names.add(m.objectName);
  }
  return matches.filter(
    (m) => m.needsName === undefined || named.get(m.needsName.rule)?.has(m.needsName.name),
  );
}

/** The leaves at which an object rule matches an object (the object's own line when it names no field). */
function matchObject(rule: CompiledRule, object: ScannedObject): { line: number; value: string }[] {
  const m = rule.object!;
  if (!m.kind.test(object.kind)) return [];
  if (m.path === undefined && m.key === undefined && m.value === undefined)
    return [{ line: object.line, value: '' }];
  const found: { line: number; value: string }[] = [];
  for (const leaf of object.leaves) {
    if (m.path !== undefined && !matchPath(m.path, leaf.path)) continue;
    if (m.key !== undefined && !m.key.test(leaf.path.at(-1) ?? '')) continue;
    if (m.value !== undefined && !m.value.test(leaf.value)) continue;
    found.push(leaf);
  }
  return found;
}

function nameOf(object: ScannedObject): string | undefined {
  return object.leaves.find((l) => l.path.length === 2 && l.path[0] === 'metadata' && l.path[1] === 'name')
    ?.value;
}

/**
 * Which lines sit inside YAML block scalars (`key: |`, `key: >-`, `- |`): text, not settings.
 * A block holds the following lines that are blank or indented deeper than the line that opened it.
 */
function blockScalarLines(lines: readonly string[]): boolean[] {
  const inside = new Array<boolean>(lines.length).fill(false);
  let openerIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (openerIndent >= 0) {
      if (line.trim() === '' || indent > openerIndent) {
        inside[i] = true;
        continue;
      }
      openerIndent = -1;
    }
    if (/(?:^|:|-)\s*[|>][-+0-9]*\s*(?:#.*)?$/.test(line) && !/^\s*#/.test(line)) openerIndent = indent;
  }
  return inside;
}

function evidenceAt(lines: readonly string[], line: number): string {
  const text = (lines[line - 1] ?? '').trim();
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function commentTest(kind: FileKind, path: string): (line: string) => boolean {
  const hash = kind !== 'source' || /\.py$/.test(path);
  const slashes =
    kind === 'source' || kind === 'terraform' || path.endsWith('go.mod') || /\.gradle/.test(path);
  return (line) => {
    const t = line.trimStart();
    if (hash && t.startsWith('#')) return true;
    if (slashes && (t.startsWith('//') || t.startsWith('/*') || t.startsWith('* '))) return true;
    return t.startsWith('<!--');
  };
}
