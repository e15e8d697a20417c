/**
 * `datapipe audit` as scripts see it: the JSON contract of docs/audit.md, SARIF 2.1.0's required
 * shape, and the exit codes (0 fits, 1 over budget or --fail-on, 2 error).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { platformTargets } from '../cli/plugins.ts';
import { platformDir, SMALL_AWS_PLATFORM } from './fixture-platforms.ts';
import { CATEGORIES, providersOf, SEVERITIES } from './model.ts';

const PROVIDERS = providersOf(platformTargets);
const TARGETS = platformTargets.names;

const BIN = fileURLToPath(new URL('../../bin/datapipe.js', import.meta.url));
const AWS = platformDir('aws-origin');

function datapipe(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('datapipe audit --format json', () => {
  const { code, stdout } = datapipe('audit', AWS, '--to', 'azure', '--format', 'json');
  const report = JSON.parse(stdout) as Record<string, unknown> & {
    findings: Record<string, unknown>[];
    summary: Record<string, unknown>;
    verdict: Record<string, unknown>;
  };

  it('exits 0 when the move fits', () => assert.equal(code, 0));

  it('has exactly findings, summary and verdict at the top', () => {
    assert.deepEqual(Object.keys(report).sort(), ['findings', 'summary', 'verdict']);
  });

  it('gives every finding the documented fields and types', () => {
    assert.ok(report.findings.length > 0);
    for (const f of report.findings) {
      assert.match(String(f['rule']), /^DP-[A-Z]+-[A-Z]+-\d{3}$/);
      assert.ok((CATEGORIES as readonly unknown[]).includes(f['category']));
      assert.ok((PROVIDERS as readonly unknown[]).includes(f['provider']));
      assert.ok((SEVERITIES as readonly unknown[]).includes(f['severity']));
      assert.equal(typeof f['file'], 'string');
      assert.ok(Number.isInteger(f['line']) && (f['line'] as number) >= 1);
      for (const key of ['title', 'message', 'suggestion', 'evidence', 'kind']) {
        assert.equal(typeof f[key], 'string', key);
        assert.ok((f[key] as string).length > 0, key);
      }
      assert.equal(typeof f['effortDays'], 'number');
    }
  });

  it('sums the findings into the verdict for the target asked for', () => {
    const sum = report.findings.reduce((a, f) => a + (f['effortDays'] as number), 0);
    assert.ok(Math.abs(sum - (report.verdict['effortDays'] as number)) < 0.05);
    assert.deepEqual(Object.keys(report.verdict).sort(), ['budgetDays', 'effortDays', 'fits', 'target']);
    assert.equal(report.verdict['target'], 'azure');
    assert.equal(report.verdict['budgetDays'], 30);
    assert.equal(report.verdict['fits'], true);
  });

  it('summarises by severity, category, provider and target', () => {
    const s = report.summary;
    assert.equal(s['findings'], report.findings.length);
    assert.deepEqual(Object.keys(s['byCategory'] as object), [...CATEGORIES]);
    assert.deepEqual(Object.keys(s['byProvider'] as object), [...PROVIDERS]);
    assert.deepEqual(Object.keys(s['bySeverity'] as object), [...SEVERITIES]);
    assert.deepEqual(Object.keys(s['effortDaysByTarget'] as object), [...TARGETS]);
  });
});

describe('datapipe audit prices a small fixture as worked out by hand', () => {
  // test/fixtures/small-aws-platform (its README has the table). Efforts from the rule entries:
  //   DP-AWS-STO-001 StorageClass ebs.csi.aws.com   azure 1,   gcp 1,   baremetal 3    (first)
  //   DP-AWS-STO-002 claim gp2                      azure 0.5, gcp 0.5, baremetal 0.5  (first)
  //   DP-AWS-STO-002 claim gp3                      0.5 × repeatEffort 0.25 = 0.125 → 0.13 (rounded per match)
  //   DP-AWS-IAM-001 eks.amazonaws.com/role-arn     azure 1,   gcp 1,   baremetal 1.5  (first)
  // azure = 1 + 0.5 + 0.13 + 1 = 2.63; gcp the same; baremetal = 3 + 0.5 + 0.13 + 1.5 = 5.13; aws 0.
  // scaleway is named by none of the three rules, so it pays each rule's `default` (1, 0.5, 1): 2.63.
  const byTarget = { aws: 0, azure: 2.63, gcp: 2.63, baremetal: 5.13, scaleway: 2.63 };

  it('gives each finding its price and the total per target', () => {
    const r = datapipe('audit', SMALL_AWS_PLATFORM, '--to', 'azure', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.findings.map((f: Record<string, unknown>) => [f['rule'], f['line'], f['effortDays']]),
      [
        ['DP-AWS-STO-002', 7, 0.5],
        ['DP-AWS-STO-002', 15, 0.13],
        ['DP-AWS-IAM-001', 6, 1],
        ['DP-AWS-STO-001', 5, 1],
      ],
    );
    assert.deepEqual(report.summary.effortDaysByTarget, byTarget);
    assert.deepEqual(report.verdict, { target: 'azure', effortDays: 2.63, budgetDays: 30, fits: true });
  });

  it('without --to, judges the most expensive target (bare metal, 5.13 days)', () => {
    const r = datapipe('audit', SMALL_AWS_PLATFORM, '--format', 'json', '--budget-days', '5');
    assert.equal(r.code, 1, '5.13 days is over a 5-day budget');
    assert.deepEqual(JSON.parse(r.stdout).verdict, {
      target: 'baremetal',
      effortDays: 5.13,
      budgetDays: 5,
      fits: false,
    });
  });
});

describe('datapipe audit --format sarif', () => {
  const { code, stdout } = datapipe('audit', AWS, '--format', 'sarif');
  const sarif = JSON.parse(stdout);

  it('is SARIF 2.1.0 with one run of datapipe-audit', () => {
    assert.equal(code, 1, 'without --to the most expensive target (bare metal) is over 30 days');
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    assert.equal(sarif.runs[0].tool.driver.name, 'datapipe-audit');
  });

  it('declares each rule once and points every result at a declared rule and a line', () => {
    const { rules } = sarif.runs[0].tool.driver;
    const ids = rules.map((r: { id: string }) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of rules) {
      assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text);
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    }
    assert.ok(sarif.runs[0].results.length > 0);
    for (const result of sarif.runs[0].results) {
      assert.equal(ids[result.ruleIndex], result.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(result.level));
      assert.ok(result.message.text.length > 0);
      const loc = result.locations[0].physicalLocation;
      assert.ok(loc.artifactLocation.uri.length > 0);
      assert.ok(!loc.artifactLocation.uri.includes('\\'));
      assert.ok(loc.region.startLine >= 1);
    }
  });
});

describe('datapipe audit exit codes', () => {
  const empty = mkdtempSync(join(tmpdir(), 'datapipe-audit-'));
  after(() => rmSync(empty, { recursive: true, force: true }));

  it('0 when nothing is found', () => {
    const r = datapipe('audit', empty, '--format', 'json');
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).findings.length, 0);
  });

  it('1 when the move is over budget', () => {
    const r = datapipe('audit', AWS, '--to', 'azure', '--budget-days', '5');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /over budget/);
  });

  it('1 when a finding reaches --fail-on, 0 when none does', () => {
    assert.equal(datapipe('audit', AWS, '--to', 'azure', '--fail-on', 'high').code, 1);
    const lowOnly = join(platformDir('aws-origin'), 'app', 'package.json');
    assert.equal(datapipe('audit', lowOnly, '--to', 'azure', '--fail-on', 'medium').code, 0);
    assert.equal(datapipe('audit', lowOnly, '--to', 'azure', '--fail-on', 'low').code, 1);
  });

  it('2 for a path that does not exist', () => {
    const r = datapipe('audit', join(empty, 'nope'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such file or directory/);
  });

  it('2 for an unknown target or format', () => {
    assert.equal(datapipe('audit', empty, '--to', 'mars').code, 2);
    assert.equal(datapipe('audit', empty, '--format', 'xml').code, 2);
  });

  it('writes Markdown for a ticket', () => {
    const r = datapipe('audit', AWS, '--to', 'baremetal', '--budget-days', '60', '--format', 'markdown');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^# Portability audit/);
    assert.match(r.stdout, /## workload-authorization/);
  });
});
