/**
 * Audit and plan read datapipe pipeline files (issue 13, point 7): provider-bound drivers, endpoints and
 * static keys in a pipeline are findings at file:line; the flagship (which names its resources) audits
 * clean; the fixture with the flagship's old, AWS-bound pipeline gets findings that `plan` prices.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { buildPlan } from '../plan/plan.ts';
import { runAudit } from './audit.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/platform/platform.yaml', import.meta.url));
const BOUND = fileURLToPath(new URL('../../test/fixtures/pipelines/provider-bound', import.meta.url));

describe('pipeline files in audit and plan', () => {
  it('the flagship audits clean, its pipeline files read', () => {
    const report = runAudit({ paths: [dirname(EXAMPLE)], to: 'azure', targets: platformTargets });
    assert.deepEqual(report.findings, []);
    assert.equal(report.summary.filesScanned, 2);
  });

  it('a provider-bound pipeline: driver, broker address and keys, each at its line', () => {
    const report = runAudit({ paths: [BOUND], to: 'azure', targets: platformTargets });
    const found = report.findings.map((f) => `${f.rule}@${f.line}`).sort();
    // Lines of test/fixtures/pipelines/provider-bound/orders-to-archive.yaml, counted by hand.
    assert.deepEqual(found, [
      'DP-AWS-API-101@10',
      'DP-GEN-IAM-001@13',
      'DP-GEN-IAM-001@14',
      'DP-GEN-NET-101@5',
    ]);
    assert.ok(
      report.findings.every((f) => f.file.endsWith('orders-to-archive.yaml') && f.kind === 'pipeline'),
    );
  });

  it('plan prices them', () => {
    // To azure (the rules' effort tables): driver 0.5 + brokers 0.25 + keys 0.25 + a repeat 0.25 × 0.25
    // = 0.0625 → 0.06; total 1.06.
    const base = {
      file: EXAMPLE,
      pipelines: pipelinePlugins,
      from: 'aws',
      to: 'azure',
      budgetDays: 30,
      targets: platformTargets,
    } as const;
    const without = buildPlan(base);
    const withAudit = buildPlan({ ...base, audit: join(BOUND) });
    const remediate = withAudit.steps.find((s) => s.phase === 'remediate');
    assert.equal(remediate?.effortDays, 1.06);
    assert.match(remediate!.title, /\(4 findings\)/);
    assert.equal(withAudit.stepsEffortDays, Math.round((without.stepsEffortDays + 1.06) * 100) / 100);
  });
});
