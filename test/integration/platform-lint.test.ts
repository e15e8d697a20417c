/**
 * Linters nobody here wrote, on every registered target's render of examples/platform: kube-score and
 * Checkov (kubernetes on the objects `kubectl apply -k` sends, terraform_json on provider/). Zero
 * findings except the entries of test/platform/lint-allowlist.json, each with a one-line reason, and
 * no entry that no longer matches anything. kube-linter is not run: see docs/decisions/0034-platform-linters.md.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type AllowEntry,
  allowedBy,
  allowlist,
  checkov,
  type Finding,
  kubeScore,
  type LintRun,
} from '../support/platform-lint.ts';
import { renderAllTargets } from '../support/platform-render.ts';

const entries = allowlist();
const used = new Set<AllowEntry>();

function format(f: Finding): string {
  return `${f.tool} ${f.check} (${f.severity}) on ${f.object}`;
}

describe('independent linters on every target', () => {
  test('every allowlist entry has a one-line reason', () => {
    for (const e of entries) {
      assert.ok(e.reason.trim().length > 10 && !e.reason.includes('\n'), `${e.tool} ${e.check}: reason`);
    }
  });

  for (const { target, dir, manifests } of renderAllTargets()) {
    test(target, { timeout: 900_000 }, async (t) => {
      const runs: [string, LintRun][] = [
        ['kube-score', await kubeScore(manifests)],
        ['checkov kubernetes', await checkov('kubernetes', manifests)],
        ['checkov terraform_json', await checkov('terraform_json', join(dir, 'provider'))],
      ];
      const unexpected: string[] = [];
      for (const [name, run] of runs) {
        t.diagnostic(`${name}: ${run.findings.length} findings, ${run.passed} passed`);
        assert.ok(run.passed > 0, `${name} checked nothing`);
        for (const f of run.findings) {
          const entry = allowedBy(entries, target, f);
          if (entry) used.add(entry);
          else unexpected.push(format(f));
        }
      }
      assert.deepEqual(unexpected, [], 'findings outside test/platform/lint-allowlist.json');
    });
  }

  test('no allowlist entry is stale', () => {
    const stale = entries.filter((e) => !used.has(e)).map((e) => `${e.tool} ${e.check} ${e.object}`);
    assert.deepEqual(stale, []);
  });
});
