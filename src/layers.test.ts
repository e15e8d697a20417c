/**
 * The layer rules of docs/architecture.md, checked by dependency-cruiser on every module of src/
 * (type-only and dynamic imports included): no folder imports a folder above it, so there is no import
 * loop between folders, and none between modules either.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { mayImport, layerRules as rules } from '../scripts/layer-rules.ts';

const root = join(import.meta.dirname, '..');

function describe(v: IViolation): string {
  const via = v.cycle ? ` (loop: ${v.cycle.map((c) => c.name).join(' -> ')})` : '';
  return `${v.rule.name}: ${v.from} -> ${v.to}${via}`;
}

it('every import of src/ follows the layers of docs/architecture.md', async () => {
  const cwd = process.cwd();
  process.chdir(root);
  let result: ICruiseResult;
  try {
    const { output } = await cruise(['src'], {
      ...rules.options,
      validate: true,
      ruleSet: { forbidden: rules.forbidden },
    });
    result = output as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
  assert.ok(result.summary.totalCruised > 100, `cruised only ${result.summary.totalCruised} modules`);
  assert.ok((result.summary.totalDependenciesCruised ?? 0) > 500, 'the imports were not followed');
  assert.deepEqual(result.summary.violations.map(describe), []);
});

it('the allowed imports between folders form no loop', () => {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const loops: string[] = [];
  const allowed = mayImport;
  const visit = (folder: string, path: string[]) => {
    if (done.has(folder)) return;
    if (visiting.has(folder)) {
      loops.push([...path, folder].join(' -> '));
      return;
    }
    visiting.add(folder);
    for (const next of allowed[folder] ?? []) visit(next, [...path, folder]);
    visiting.delete(folder);
    done.add(folder);
  };
  for (const folder of Object.keys(allowed)) visit(folder, []);
  assert.deepEqual(loops, []);
});
