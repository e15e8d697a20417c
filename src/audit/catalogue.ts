/**
 * Loads the rule catalogue: every `rules/<provider>/<category>.yaml`, validated against the rule
 * schema and compiled once. Adding a rule is adding an entry to one of those files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ConfigErrors, formatFieldPath } from '../config/config-error.ts';
import { parseYamlText } from '../config/yaml-file.ts';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import type { FileKind } from './model.ts';
import { compilePathPattern, type PathPattern } from './path-pattern.ts';
import { type RuleEntry, ruleFileSchema } from './rule-schema.ts';

export const RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

export interface CompiledRule {
  readonly entry: RuleEntry;
  /** Where the entry is written, for messages. */
  readonly source: string;
  readonly kinds: ReadonlySet<FileKind>;
  readonly line: RegExp | undefined;
  readonly object:
    | {
        readonly kind: RegExp;
        readonly path: PathPattern | undefined;
        readonly key: RegExp | undefined;
        readonly value: RegExp | undefined;
      }
    | undefined;
  readonly fileContains: RegExp | undefined;
}

export function loadCatalogue(targets: TargetRegistry, dir: string = RULES_DIR): CompiledRule[] {
  const rules: CompiledRule[] = [];
  for (const file of listRuleFiles(dir)) {
    for (const entry of readRuleFile(file, targets)) {
      rules.push(compileRule(entry, relative(dir, file)));
    }
  }
  const seen = new Set<string>();
  const ids = new Set(rules.map((r) => r.entry.id));
  for (const rule of rules) {
    const named = rule.entry.match.valueNamedBy;
    if (named !== undefined && !ids.has(named)) {
      throw new ConfigError(
        { file: rule.source, line: 0, column: 0 },
        'match.valueNamedBy',
        `${rule.entry.id} refers to ${named}, which is not a rule`,
      );
    }
    if (seen.has(rule.entry.id)) {
      throw new ConfigError(
        { file: rule.source, line: 0, column: 0 },
        'id',
        `duplicate rule id ${rule.entry.id}`,
      );
    }
    seen.add(rule.entry.id);
  }
  return rules;
}

export function listRuleFiles(dir: string = RULES_DIR): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.yaml'))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

export function readRuleFile(file: string, targets: TargetRegistry): RuleEntry[] {
  const yaml = parseYamlText(readFileSync(file, 'utf8'), file);
  const result = ruleFileSchema(targets).safeParse(yaml.data);
  if (result.success) return result.data;
  throw new ConfigErrors(
    result.error.issues.map((issue) => {
      const path = issue.path as PropertyKey[];
      return new ConfigError(yaml.locate(path), formatFieldPath(path), issue.message);
    }),
  );
}

export function compileRule(entry: RuleEntry, source: string): CompiledRule {
  const flags = entry.match.ignoreCase ? 'i' : '';
  const re = (s: string | undefined) => (s === undefined ? undefined : new RegExp(s, flags));
  const o = entry.match.object;
  return {
    entry,
    source,
    kinds: new Set(entry.files),
    line: re(entry.match.line),
    object: o && {
      kind: new RegExp(o.kind, flags),
      path: o.path === undefined ? undefined : compilePathPattern(o.path),
      key: re(o.key),
      value: re(o.value),
    },
    fileContains: re(entry.match.fileContains),
  };
}
