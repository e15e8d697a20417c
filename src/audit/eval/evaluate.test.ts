/**
 * The audit against the labelled evaluation set (test/fixtures/audit-eval/, labelled by reading the
 * files before the tool ran on them), and the scoring itself on a case worked by hand.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { platformTargets } from '../../cli/plugins.ts';
import { type Answer, evaluateDir, type Label, parseLabels, score, summaryLine } from './evaluate.ts';

const EVAL_DIR = fileURLToPath(new URL('../../../test/fixtures/audit-eval/', import.meta.url));

describe('audit evaluation set', () => {
  const evaluation = evaluateDir(EVAL_DIR, platformTargets);

  it('holds at least three platforms and their labels', () => {
    const platforms = readdirSync(EVAL_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
    assert.ok(platforms.length >= 3, `${platforms.length} platforms`);
    assert.ok(evaluation.labels >= 150, `${evaluation.labels} labels`);
    assert.ok(evaluation.files >= 45, `${evaluation.files} files`);
  });

  it('finds at least 95% of the labelled couplings', () => {
    const missed = evaluation.missed.map(
      (l) => `${l.platform}/${l.file}:${l.line} ${l.category} ${l.provider}`,
    );
    assert.ok(evaluation.recall >= 0.95, `${summaryLine(evaluation)}\nmissed:\n${missed.join('\n')}`);
  });

  it('is right in at least 95% of its findings', () => {
    const wrong = evaluation.wrong.map((a) => `${a.platform}/${a.file}:${a.line} ${a.rule}: ${a.evidence}`);
    assert.ok(evaluation.precision >= 0.95, `${summaryLine(evaluation)}\nwrong:\n${wrong.join('\n')}`);
  });
});

describe('score', () => {
  const label = (file: string, line: number, kind = 'core'): Label => ({
    platform: 'p',
    file,
    line,
    category: 'persistence',
    provider: 'aws',
    kind,
  });
  const answer = (file: string, line: number, category: Answer['category'] = 'persistence'): Answer => ({
    platform: 'p',
    file,
    line,
    category,
    provider: 'aws',
    rule: 'DP-AWS-STO-001',
    evidence: '',
  });

  it('counts a finding right within 3 lines, of the same category and provider', () => {
    // Worked by hand: labels a:10, a:20, b:5 (kind values). Findings a:13 (right, 3 away), a:24
    // (4 away: wrong), a:20 twice (counts once, right), b:5 as encryption (wrong category).
    // Labels found: a:10, a:20 → recall 2/3. Distinct findings 4, right 2 → precision 2/4.
    const e = score(
      [label('a', 10), label('a', 20), label('b', 5, 'values')],
      [answer('a', 13), answer('a', 24), answer('a', 20), answer('a', 20), answer('b', 5, 'encryption')],
      2,
    );
    assert.equal(e.recall, 2 / 3);
    assert.equal(e.precision, 2 / 4);
    assert.deepEqual(e.byKind, { core: [0, 2], values: [1, 1] });
    assert.equal(summaryLine(e), 'audit-eval: recall=0.667 precision=0.500 files=2 labels=3');
  });

  it('reads labels.tsv and names the line of a bad row', () => {
    const text = 'file\tline\tcategory\tprovider\tkind\nk8s/a.yaml\t7\tdns-and-load-balancing\taws\tcore\n';
    assert.deepEqual(parseLabels(text, 'p', platformTargets), [
      {
        platform: 'p',
        file: 'k8s/a.yaml',
        line: 7,
        category: 'dns-and-load-balancing',
        provider: 'aws',
        kind: 'core',
      },
    ]);
    assert.throws(
      () => parseLabels(`${text}k8s/b.yaml\t3\tdns\taws\tcore\n`, 'p', platformTargets),
      /labels\.tsv:3: unknown category/,
    );
  });
});
