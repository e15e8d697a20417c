/**
 * The meta-test of the rule catalogue: every entry has the shape the schema demands, an id that
 * agrees with its provider and category, sits in the file of its provider and category, and its
 * fixtures behave — each positive one is found (at its line, when given), each negative one is not.
 */
import assert from 'node:assert/strict';
import { basename, dirname, relative } from 'node:path';
import { describe, it } from 'node:test';
import { platformTargets } from '../cli/plugins.ts';
import {
  type CompiledRule,
  compileRule,
  listRuleFiles,
  loadCatalogue,
  RULES_DIR,
  readRuleFile,
} from './catalogue.ts';
import { classifyFile } from './file-kind.ts';
import { matchFile, resolveReferences } from './match-file.ts';
import type { FileKind } from './model.ts';
import { CATEGORY_ID, effortFor, providerIds } from './rule-schema.ts';

const PROVIDER_ID = providerIds(platformTargets);
const TARGETS = platformTargets.names;

const files = listRuleFiles();
const catalogue = loadCatalogue(platformTargets);

/** The rule and the rules it refers to (a claim's rule needs the StorageClass rule it names). */
function withReferences(rule: CompiledRule): CompiledRule[] {
  const named = rule.entry.match.valueNamedBy;
  return named === undefined ? [rule] : [rule, ...catalogue.filter((r) => r.entry.id === named)];
}

/** What a scan of this one file would report for `rule`. */
function findIn(file: string, kind: FileKind, text: string, rule: CompiledRule) {
  return resolveReferences(matchFile(file, kind, text, withReferences(rule))).filter((m) => m.rule === rule);
}

describe('rule catalogue', () => {
  it('loads, with unique ids', () => {
    const rules = loadCatalogue(platformTargets);
    assert.ok(rules.length >= 60, `only ${rules.length} rules`);
    assert.equal(new Set(rules.map((r) => r.entry.id)).size, rules.length);
  });

  it('covers every category and every provider', () => {
    const rules = loadCatalogue(platformTargets);
    for (const category of Object.keys(CATEGORY_ID)) {
      assert.ok(
        rules.some((r) => r.entry.category === category),
        `no rule for ${category}`,
      );
    }
    for (const provider of Object.keys(PROVIDER_ID)) {
      assert.ok(
        rules.some((r) => r.entry.provider === provider),
        `no rule for ${provider}`,
      );
    }
  });

  for (const file of files) {
    const where = relative(RULES_DIR, file);
    describe(where, () => {
      const entries = readRuleFile(file, platformTargets);
      it('is named rules/<provider>/<category>.yaml', () => {
        for (const entry of entries) {
          assert.equal(basename(dirname(file)), entry.provider, `${entry.id}: provider`);
          assert.equal(basename(file, '.yaml'), entry.category, `${entry.id}: category`);
        }
      });
      for (const entry of entries) {
        describe(entry.id, () => {
          const rule = compileRule(entry, where);
          it('has an id made of its provider and category', () => {
            assert.ok(
              entry.id.startsWith(`DP-${PROVIDER_ID[entry.provider]}-${CATEGORY_ID[entry.category]}-`),
            );
          });
          if (TARGETS.includes(entry.provider)) {
            it('costs nothing to keep on its own provider, something to move elsewhere', () => {
              const own = entry.provider;
              assert.equal(effortFor(entry, own), 0);
              for (const target of TARGETS.filter((t) => t !== own))
                assert.ok(effortFor(entry, target) > 0, `moving to ${target} is free`);
            });
          } else {
            it('costs the same, and more than nothing, on every target (a component, not a cloud)', () => {
              // A generic coupling (a retired ingress controller, flannel, self-managed etcd
              // snapshots) has to be replaced wherever the platform goes, and no target does it for you.
              const efforts = TARGETS.map((t) => effortFor(entry, t));
              assert.ok(efforts[0]! > 0, `${entry.id} costs nothing to replace`);
              assert.deepEqual(new Set(efforts).size, 1, `${entry.id}: ${efforts.join(', ')}`);
            });
          }
          entry.fixtures.match.forEach((fixture, i) => {
            it(`finds positive fixture ${i + 1} (${fixture.file})`, () => {
              const kind = classifyFile(fixture.file, fixture.text);
              assert.ok(
                kind && rule.kinds.has(kind),
                `${fixture.file} is read as ${kind}, not one of ${entry.files}`,
              );
              const found = findIn(fixture.file, kind, fixture.text, rule);
              assert.ok(found.length > 0, 'no match');
              if (fixture.line !== undefined) {
                assert.ok(
                  found.some((m) => m.line === fixture.line),
                  `expected line ${fixture.line}, found ${found.map((m) => m.line)}`,
                );
              }
            });
          });
          entry.fixtures.noMatch.forEach((fixture, i) => {
            it(`ignores negative fixture ${i + 1} (${fixture.file})`, () => {
              const kind = classifyFile(fixture.file, fixture.text);
              const found = kind === undefined ? [] : findIn(fixture.file, kind, fixture.text, rule);
              assert.deepEqual(
                found.map((m) => `${m.line}: ${m.evidence}`),
                [],
              );
            });
          });
        });
      }
    });
  }
});
