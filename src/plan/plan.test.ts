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
import { SMALL_AWS_PLATFORM } from '../audit/fixture-platforms.ts';
import { formatJson } from '../audit/format/json.ts';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { loadPlatformFile } from '../platform/load.ts';
import { formatPlanMarkdown } from './format-markdown.ts';
import { PHASES } from './model.ts';
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
  const config = loadPlatformFile(EXAMPLE, pipelinePlugins, platformTargets).config;
  const plan = buildPlan({
    file: EXAMPLE,
    pipelines: pipelinePlugins,
    targets: platformTargets,
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

  it('prices each step, the contingency and the downtime as worked out by hand', () => {
    // examples/platform/platform.yaml: 2 pipelines (consumer groups orders-to-mongodb and
    // orders-to-archive), 1 service, 1 stateful service (mongodb on a 50Gi volume), 2 buckets, 4 grants,
    // 1 exposed host. Prices from src/plan/steps.ts:
    //   provision        CLUSTER_DAYS.azure 2 + 0.25 × 4 workloads               = 3
    //   move-data        buckets: 0.5 + 0.5 × 2 buckets                            = 1.5
    //   move-data        mongodb: 1 per stateful service                           = 1
    //   move-kafka       MirrorMaker 2 + 0.25 × 2 consumer groups                  = 2.5
    //   swap-identities  0.5 + 0.25 × 4 grants                                     = 1.5
    //   lower-dns-ttl    0.25;  cut-over 1;  verify 1;  roll-back 0.5 (conditional)
    //   steps 3 + 1.5 + 1 + 2.5 + 1.5 + 0.25 + 1 + 1 + 0.5 = 12.25
    //   contingency 12.25 × 0.2 = 2.45;  total 12.25 + 2.45 = 14.7 days ≤ 30: fits
    //   downtime: cut-over 15 min + final copy of 50 GiB at 50 MiB/s = ceil(51200 / 50 / 60) = 18 min → 33;
    //   the roll-back's 15 minutes are not counted (it only happens if verification fails).
    assert.deepEqual(
      plan.steps.map((s) => [s.phase, s.effortDays]),
      [
        ['provision', 3],
        ['move-data', 1.5],
        ['move-data', 1],
        ['move-kafka', 2.5],
        ['swap-identities', 1.5],
        ['lower-dns-ttl', 0.25],
        ['cut-over', 1],
        ['verify', 1],
        ['roll-back', 0.5],
      ],
    );
    assert.equal(plan.stepsEffortDays, 12.25);
    assert.equal(plan.contingencyDays, 2.45);
    assert.equal(plan.effortDays, 14.7);
    assert.equal(plan.downtimeMinutes, 33);
    assert.equal(plan.fits, true);
  });

  it('costs more to build a bare-metal cluster than a managed one', () => {
    // provision: CLUSTER_DAYS.baremetal 5 + 0.25 × 4 workloads = 6 (3 for azure); steps 12.25 - 3 + 6 = 15.25;
    // contingency 15.25 × 0.2 = 3.05; total 18.3.
    const bm = buildPlan({
      file: EXAMPLE,
      pipelines: pipelinePlugins,
      targets: platformTargets,
      from: 'aws',
      to: 'baremetal',
      budgetDays: 30,
    });
    assert.equal(bm.steps[0]!.effortDays, 6);
    assert.equal(bm.stepsEffortDays, 15.25);
    assert.equal(bm.effortDays, 18.3);
  });

  it('plans a move to and from Scaleway with its own commands', () => {
    // Scaleway provisions a managed cluster like azure (2 days + 0.25 × 4 workloads), so the steps
    // cost the same 12.25 days; its Object Storage is rclone's s3 backend with provider Scaleway
    // (https://rclone.org/s3/#scaleway) and its DNS is changed with the scw CLI.
    const to = buildPlan({
      targets: platformTargets,
      file: EXAMPLE,
      pipelines: pipelinePlugins,
      from: 'aws',
      to: 'scaleway',
      budgetDays: 30,
    });
    assert.deepEqual(to.blockers, []);
    assert.equal(to.stepsEffortDays, 12.25);
    const copy = to.steps.find((s) => s.phase === 'move-data' && s.title.startsWith('Copy 2 bucket'));
    assert.match(copy?.notes[0] ?? '', /target = s3 \(provider Scaleway\)/);
    const back = buildPlan({
      targets: platformTargets,
      file: EXAMPLE,
      pipelines: pipelinePlugins,
      from: 'scaleway',
      to: 'aws',
      budgetDays: 30,
    });
    const ttl = back.steps.find((s) => s.phase === 'lower-dns-ttl')!;
    assert.ok(
      ttl.commands.length > 0 &&
        ttl.commands.every((c) => c.startsWith('scw dns record set shop.example.com ')),
    );
  });

  it('adds the effort of audit findings, from a saved report or a fresh scan', () => {
    // test/fixtures/small-aws-platform costs 2.63 days to move to azure (hand calculation in its
    // README and in src/audit/cli.test.ts). Steps 12.25 + remediate 2.63 = 14.88;
    // contingency 14.88 × 0.2 = 2.976 → 2.98; total 14.88 + 2.98 = 17.86.
    const report = runAudit({ targets: platformTargets, paths: [SMALL_AWS_PLATFORM], to: 'azure' });
    const saved = join(work, 'audit.json');
    writeFileSync(saved, formatJson(report));
    for (const source of [saved, SMALL_AWS_PLATFORM]) {
      const withAudit = buildPlan({
        file: EXAMPLE,
        pipelines: pipelinePlugins,
        targets: platformTargets,
        from: 'aws',
        to: 'azure',
        budgetDays: 30,
        audit: source,
      });
      const remediate = withAudit.steps.find((s) => s.phase === 'remediate');
      assert.equal(remediate?.effortDays, 2.63, source);
      assert.match(remediate!.title, /\(4 findings\)/);
      assert.equal(withAudit.steps[1], remediate, 'remediation right after provisioning');
      assert.equal(withAudit.stepsEffortDays, 14.88, source);
      assert.equal(withAudit.contingencyDays, 2.98, source);
      assert.equal(withAudit.effortDays, 17.86, source);
    }
  });

  it('keeps Kafka in place when asked', () => {
    // Staying costs a flat 0.5 (reach the brokers from the new cluster) instead of MirrorMaker's 2.5;
    // gcp provisions like azure, so the steps are 12.25 - 2.5 + 0.5 = 10.25.
    const stay = buildPlan({
      file: EXAMPLE,
      pipelines: pipelinePlugins,
      targets: platformTargets,
      from: 'aws',
      to: 'gcp',
      budgetDays: 30,
      kafka: 'stay',
    });
    assert.equal(stay.steps.find((s) => s.phase === 'move-kafka')!.effortDays, 0.5);
    assert.equal(stay.stepsEffortDays, 10.25);
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
