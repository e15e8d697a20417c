/**
 * What can be checked of the rendered Terraform without its providers (which cannot be downloaded
 * here, so `tofu validate` cannot run), for every registered target:
 * - the JSON is formatted canonically (2-space indent, one trailing newline: what the renderer promises
 *   and `terraform fmt` cannot check, as it skips *.tf.json);
 * - every `${...}` reference resolves to a declared resource, data source, variable or local;
 * - every provider used has a version constraint whose lower bound supports the attributes used,
 *   by the table test/platform/provider-minimums.json (attribute → minimum version, with its source).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { EXAMPLE } from './example.test-support.ts';
import { loadPlatformFile } from './load.ts';
import { renderPlatform } from './render.ts';
import type { TerraformDoc } from './terraform.ts';

interface Minimum {
  provider: string;
  resource: string;
  attribute: string;
  minimum: string;
  source: string;
}
const MINIMUMS = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../test/platform/provider-minimums.json', import.meta.url)), 'utf8'),
) as Minimum[];

/** The references in one interpolation, string literals removed. */
export function referencesIn(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const refs: string[] = [];
  const re = /(?<![\w.])(data\.[a-z][\w-]*\.[\w-]+|var\.[\w-]+|local\.[\w-]+|[a-z][a-z0-9]*_[\w]+\.[\w-]+)/g;
  for (const m of code.matchAll(re)) {
    if (/^(each|count|path|self|terraform)\./.test(m[1]!)) continue;
    refs.push(m[1]!);
  }
  return refs;
}

/** Every `${...}` expression in a string (nested braces counted). */
export function interpolations(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf('${'); i >= 0; i = text.indexOf('${', i + 2)) {
    let depth = 0;
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) {
        out.push(text.slice(i + 2, j));
        break;
      }
    }
  }
  return out;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function declared(docs: readonly TerraformDoc[]): Set<string> {
  const names = new Set<string>();
  for (const d of docs) {
    for (const [type, byName] of Object.entries(d.resource ?? {}))
      for (const n of Object.keys(byName)) names.add(`${type}.${n}`);
    for (const [type, byName] of Object.entries(d.data ?? {}))
      for (const n of Object.keys(byName)) names.add(`data.${type}.${n}`);
    for (const n of Object.keys(d.variable ?? {})) names.add(`var.${n}`);
    for (const n of Object.keys((d as { locals?: Record<string, unknown> }).locals ?? {}))
      names.add(`local.${n}`);
  }
  return names;
}

/** Lower bound of a version constraint such as `~> 4.0`, `>= 2.30, < 3.0` or `= 1.2.3`, as [major, minor, patch]. */
export function lowerBound(constraint: string): number[] {
  const parts = constraint.split(',').map((p) => p.trim());
  const lower = parts.find((p) => /^(~>|>=|=|)\s*\d/.test(p));
  if (!lower) throw new Error(`constraint "${constraint}" has no lower bound`);
  const v = lower
    .replace(/^(~>|>=|=)\s*/, '')
    .split('.')
    .map(Number);
  return [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];
}

function atLeast(have: number[], want: number[]): boolean {
  for (let i = 0; i < 3; i++) if (have[i]! !== want[i]!) return have[i]! > want[i]!;
  return true;
}

describe('rendered Terraform, checked without providers', () => {
  test('the reference scanner sees through strings and nesting', () => {
    assert.deepEqual(interpolations('a ${x.y} b ${ { "k" = z_t.n.id } } c'), ['x.y', ' { "k" = z_t.n.id } ']);
    assert.deepEqual(referencesIn('{ "a.b" = aws_s3_bucket.x.id, c = var.y, d = data.t_u.n.json }'), [
      'aws_s3_bucket.x',
      'var.y',
      'data.t_u.n',
    ]);
    assert.deepEqual(lowerBound('~> 4.0'), [4, 0, 0]);
    assert.deepEqual(lowerBound('>= 2.30.1, < 3.0'), [2, 30, 1]);
  });

  const loaded = loadPlatformFile(EXAMPLE, pipelinePlugins, platformTargets, {});
  for (const target of platformTargets.names) {
    test(target, () => {
      const result = renderPlatform(loaded, target, platformTargets);
      const docs = [...result.terraform.values()];
      for (const [path, text] of result.files) {
        if (!path.startsWith('provider/')) continue;
        assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`, `${path} is canonical JSON`);
      }
      const names = declared(docs);
      const unresolved = docs
        .flatMap((d) => strings(d))
        .flatMap(interpolations)
        .flatMap(referencesIn)
        .filter((r) => !names.has(r));
      assert.deepEqual([...new Set(unresolved)], [], 'references to nothing declared');

      const required = Object.assign({}, ...docs.map((d) => d.terraform?.required_providers ?? {})) as Record<
        string,
        { source: string; version: string }
      >;
      const used = new Set(
        docs.flatMap((d) => [...Object.keys(d.resource ?? {}), ...Object.keys(d.data ?? {})]),
      );
      for (const type of used) {
        const provider = type.split('_')[0]!;
        assert.ok(required[provider]?.version, `${type}: provider ${provider} has no version constraint`);
      }
      for (const m of MINIMUMS) {
        const uses = docs.some((d) =>
          Object.values(d.resource?.[m.resource] ?? {}).some((body) => m.attribute in (body as object)),
        );
        if (!uses) continue;
        const have = lowerBound(required[m.provider]!.version);
        assert.ok(
          atLeast(have, m.minimum.split('.').map(Number)),
          `${m.resource}.${m.attribute} needs ${m.provider} >= ${m.minimum} (${m.source}); the constraint "${required[m.provider]!.version}" allows ${have.join('.')}`,
        );
      }
    });
  }
});
