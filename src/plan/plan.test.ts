/**
 * `datapipe plan` on the flagship platform (examples/platform): the steps come in the order a move
 * is carried out, the totals add up, audit findings add their effort, and the exit code answers
 * "does it fit the budget?".
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../audit/audit.ts';
import { platformDir } from '../audit/fixture-platforms.ts';
import { formatJson } from '../audit/format/json.ts';
import { loadPlatformFile } from '../platform/load.ts';
import { builtinTargets } from '../platform/targets/builtin.ts';
import { formatPlanMarkdown } from './format-markdown.ts';
import { CONTINGENCY, PHASES } from './model.ts';
import { buildPlan } from './plan.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/platform/platform.yaml', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/datapipe.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'datapipe-plan-'));
after(() => rmSync(work, { recursive: true, force: true }));

function datapipe(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('buildPlan', () => {
  const config = loadPlatformFile(EXAMPLE, builtinTargets).config;
  const plan = buildPlan({
    targets: builtinTargets,
    file: EXAMPLE,
    from: 'aws',
    to: 'azure',
    budgetDays: 30,
  });

  it('orders the steps as a move is carried out', () => {
    const phases = plan.steps.map((s) => s.phase);
    const order = phases.map((p) => PHASES.indexOf(p));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    for (const phase of [
      'provision',
      'move-data',
      'move-kafka',
      'swap-identities',
      'lower-dns-ttl',
      'cut-over',
      'verify',
      'roll-back',
    ])
      assert.ok(phases.includes(phase as (typeof PHASES)[number]), `no ${phase} step`);
    assert.ok(!phases.includes('remediate'), 'no audit given, no remediation step');
  });

  it('copies every bucket and every stateful service, and translates the offsets of every pipeline', () => {
    const data = plan.steps.filter((s) => s.phase === 'move-data');
    assert.equal(data.length, 1 + config.workloads.statefulServices.length);
    for (const b of config.buckets)
      assert.ok(data[0]!.commands.some((c) => c.includes(`source:${b.name} target:${b.name}`)));
    const mongo = data.find((s) => s.title.includes('mongodb'));
    assert.ok(mongo?.commands.some((c) => c.includes('mongodump')));
    const kafka = plan.steps.find((s) => s.phase === 'move-kafka')!;
    for (const p of config.workloads.pipelines)
      assert.match(kafka.notes.join(' '), new RegExp(p.autoscaling?.consumerGroup ?? p.name));
  });

  it('uses the files the target renders to', () => {
    const provision = plan.steps[0]!;
    assert.equal(plan.blockers.length, 0, plan.blockers.join());
    assert.ok(provision.manifests.some((m) => m.startsWith('out/azure/provider/')));
    assert.ok(provision.commands[0]!.startsWith(`datapipe render ${EXAMPLE} --target azure`));
  });

  it('adds up effort with contingency, and downtime without the conditional roll-back', () => {
    const sum = plan.steps.reduce((a, s) => a + s.effortDays, 0);
    assert.ok(Math.abs(plan.stepsEffortDays - sum) < 0.01);
    assert.ok(Math.abs(plan.effortDays - sum * (1 + CONTINGENCY)) < 0.02);
    const downtime = plan.steps.filter((s) => !s.conditional).reduce((a, s) => a + s.downtimeMinutes, 0);
    assert.equal(plan.downtimeMinutes, downtime);
    assert.ok(plan.downtimeMinutes > 0);
    assert.equal(plan.fits, plan.effortDays <= 30);
  });

  it('costs more to build a bare-metal cluster than a managed one', () => {
    const bm = buildPlan({
      targets: builtinTargets,
      file: EXAMPLE,
      from: 'aws',
      to: 'baremetal',
      budgetDays: 30,
    });
    assert.ok(bm.steps[0]!.effortDays > plan.steps[0]!.effortDays);
  });

  it('adds the effort of audit findings, from a saved report or a fresh scan', () => {
    const report = runAudit({ targets: builtinTargets, paths: [platformDir('aws-origin')], to: 'azure' });
    const saved = join(work, 'audit.json');
    writeFileSync(saved, formatJson(report));
    for (const source of [saved, platformDir('aws-origin')]) {
      const withAudit = buildPlan({
        targets: builtinTargets,
        file: EXAMPLE,
        from: 'aws',
        to: 'azure',
        budgetDays: 30,
        audit: source,
      });
      const remediate = withAudit.steps.find((s) => s.phase === 'remediate');
      assert.equal(remediate?.effortDays, report.verdict.effortDays);
      assert.ok(
        Math.abs(withAudit.stepsEffortDays - plan.stepsEffortDays - report.verdict.effortDays) < 0.01,
      );
    }
  });

  it('keeps Kafka in place when asked', () => {
    const stay = buildPlan({
      targets: builtinTargets,
      file: EXAMPLE,
      from: 'aws',
      to: 'gcp',
      budgetDays: 30,
      kafka: 'stay',
    });
    assert.ok(
      stay.steps.find((s) => s.phase === 'move-kafka')!.effortDays <
        plan.steps.find((s) => s.phase === 'move-kafka')!.effortDays,
    );
  });

  it('writes Markdown with the budget answer first and every step', () => {
    const md = formatPlanMarkdown(plan);
    assert.match(md.split('\n')[2]!, /^\*\*(Fits the budget|Over budget):\*\*/);
    for (const s of plan.steps) assert.ok(md.includes(`. ${s.title}`));
  });
});

describe('datapipe plan', () => {
  it('prints JSON and exits 0 when the move fits', () => {
    const r = datapipe(
      'plan',
      EXAMPLE,
      '--from',
      'aws',
      '--to',
      'gcp',
      '--budget-days',
      '60',
      '--format',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.fits, true);
    assert.deepEqual(Object.keys(plan).sort(), [
      'blockers',
      'budgetDays',
      'contingencyDays',
      'downtimeMinutes',
      'effortDays',
      'fits',
      'from',
      'platform',
      'steps',
      'stepsEffortDays',
      'to',
    ]);
  });

  it('exits 1 when the move is over budget', () => {
    const r = datapipe('plan', EXAMPLE, '--from', 'aws', '--to', 'azure', '--budget-days', '3');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\*\*Over budget:\*\*/);
  });

  it('exits 2 when it cannot plan', () => {
    assert.equal(datapipe('plan', EXAMPLE, '--from', 'aws', '--to', 'aws').code, 2);
    assert.equal(datapipe('plan', join(work, 'missing.yaml'), '--from', 'aws', '--to', 'azure').code, 2);
    assert.equal(datapipe('plan', EXAMPLE, '--to', 'azure').code, 2, '--from is required');
    assert.equal(
      datapipe('plan', EXAMPLE, '--from', 'aws', '--to', 'azure', '--audit', join(work, 'nope')).code,
      2,
    );
  });
});
