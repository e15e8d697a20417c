/**
 * One-off migration of audit rule files written in the first format (decision 0028): category names of
 * the shared vocabulary (`dns-lb` → `dns-and-load-balancing`, `identity` → `workload-authorization`,
 * files renamed to match) and effort blocks that name every target → `{ default, <exceptions> }`
 * (the own provider is 0 without saying so). Prices stay the same for every target listed before.
 *
 *   node scripts/convert-audit-rules.ts [RULES_DIR]
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseScriptArgs } from './script-args.ts';

const RENAMED: Record<string, string> = {
  'dns-lb': 'dns-and-load-balancing',
  identity: 'workload-authorization',
};

export function convertEffort(line: string, provider: string): string {
  const m = /^(\s*effort:\s*)\{([^}]*)\}\s*$/.exec(line);
  if (!m) return line;
  const pairs = m[2]!
    .split(',')
    .map((p) => p.split(':').map((s) => s.trim()))
    .filter((p): p is [string, string] => p.length === 2 && p[0] !== '');
  if (pairs.some(([k]) => k === 'default')) return line;
  const others = pairs.filter(([k]) => k !== provider);
  const counts = new Map<string, number>();
  for (const [, v] of others) counts.set(v, (counts.get(v) ?? 0) + 1);
  // The most common price is the default; on a tie, the higher one (a new target is not cheaper).
  const [fallback] = [...counts].sort((a, b) => b[1] - a[1] || Number(b[0]) - Number(a[0]))[0] ?? ['1'];
  const exceptions = others.filter(([, v]) => v !== fallback).map(([k, v]) => `${k}: ${v}`);
  return `${m[1]}{ ${[`default: ${fallback}`, ...exceptions].join(', ')} }`;
}

export function convertRuleText(text: string, provider: string): string {
  return text
    .split('\n')
    .map((line) => {
      const c = /^(\s*category:\s*)(\S+)\s*$/.exec(line);
      if (c && RENAMED[c[2]!]) return `${c[1]}${RENAMED[c[2]!]}`;
      return convertEffort(line, provider);
    })
    .join('\n');
}

if (import.meta.main) {
  const { positionals } = parseScriptArgs({
    command: 'node scripts/convert-audit-rules.ts',
    summary:
      'Converts audit rule files of the first format (decision 0028) in place: shared category names, effort blocks as { default, <exceptions> }. RULES_DIR defaults to src/audit/rules.',
    options: {},
    positionals: '[RULES_DIR]',
  });
  const dir = positionals[0] ?? join(import.meta.dirname, '../src/audit/rules');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.yaml')) continue;
    const file = join(entry.parentPath, entry.name);
    const provider = basename(dirname(file));
    writeFileSync(file, convertRuleText(readFileSync(file, 'utf8'), provider));
    const category = basename(file, '.yaml');
    if (RENAMED[category]) renameSync(file, join(dirname(file), `${RENAMED[category]}.yaml`));
  }
}
