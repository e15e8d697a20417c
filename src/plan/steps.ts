/**
 * The steps of a move, in the order they are carried out, each priced from what platform.yaml
 * declares. The figures are estimates with their reasons written next to them, not measurements:
 * docs/audit.md lists them so a team can argue with each one.
 */
import type { PlatformConfig } from '../platform/schema.ts';
import type { TargetDescriptor } from '../platform/targets/descriptor.ts';
import { volumeCopyCommands } from './commands.ts';
import type { PlanStep } from './model.ts';

/** Final copy speed of a volume while writes are frozen (dump/restore over the internet). */
const MIB_PER_SECOND = 50;

export interface PlanInput {
  readonly file: string;
  readonly config: PlatformConfig;
  /** Where the platform runs now and where it moves: each target's plan knowledge is in its descriptor. */
  readonly from: TargetDescriptor;
  readonly to: TargetDescriptor;
  readonly kafka: 'mirrormaker' | 'stay';
  /** Rendered files for the target, or why it does not render yet. */
  readonly render: { readonly files: readonly string[] } | { readonly error: string };
  readonly audit?:
    | { readonly source: string; readonly effortDays: number; readonly findings: number }
    | undefined;
}

export function planSteps(input: PlanInput): PlanStep[] {
  const steps = [provision(input)];
  if (input.audit) steps.push(remediate(input));
  steps.push(
    ...moveData(input),
    moveKafka(input),
    swapIdentities(input),
    lowerTtl(input),
    cutOver(input),
    verify(input),
    rollBack(input),
  );
  return steps;
}

function step(partial: Omit<PlanStep, 'conditional' | 'notes' | 'manifests'> & Partial<PlanStep>): PlanStep {
  return { conditional: false, notes: [], manifests: [], ...partial, effortDays: round(partial.effortDays) };
}

function workloadCount(c: PlatformConfig): number {
  return c.workloads.pipelines.length + c.workloads.services.length + c.workloads.statefulServices.length;
}

function provision({ file, config, to, render }: PlanInput): PlanStep {
  const out = `out/${to.name}`;
  const rendered = 'files' in render;
  return step({
    phase: 'provision',
    title: `Provision ${to.name}: cluster, provider resources and the workloads, from platform.yaml`,
    effortDays: to.plan.clusterDays + 0.25 * workloadCount(config),
    downtimeMinutes: 0,
    commands: [
      `datapipe render ${file} --target ${to.name} --out ${out}`,
      `tofu -chdir=${out}/provider init && tofu -chdir=${out}/provider apply`,
      `kubectl --context target apply -k ${out}/kubernetes`,
    ],
    manifests: rendered ? render.files.map((f) => `${out}/${f}`) : [],
    notes: [
      `${to.plan.clusterDays} days to stand up ${to.plan.cluster}, 0.25 per workload to bring up and check.`,
      ...(rendered ? [] : [`platform.yaml does not render for ${to.name} yet: ${render.error}`]),
    ],
  });
}

function remediate({ audit, to }: PlanInput): PlanStep {
  const a = audit!;
  return step({
    phase: 'remediate',
    title: `Remove the provider couplings the audit found (${a.findings} findings)`,
    effortDays: a.effortDays,
    downtimeMinutes: 0,
    commands: [`datapipe audit ${a.source} --to ${to.name} --format markdown`],
    notes: [
      'Each finding names the platform.yaml way of saying the same thing; the effort is the audit verdict for this target.',
    ],
  });
}

function moveData({ config, from, to }: PlanInput): PlanStep[] {
  const steps: PlanStep[] = [];
  if (config.buckets.length > 0) {
    steps.push(
      step({
        phase: 'move-data',
        title: `Copy ${config.buckets.length} bucket(s) to ${to.name} (initial copy; the delta is copied at cut-over)`,
        effortDays: 0.5 + 0.5 * config.buckets.length,
        downtimeMinutes: 0,
        commands: config.buckets.map(
          (b) => `rclone sync --checksum --transfers 32 source:${b.name} target:${b.name}`,
        ),
        notes: [
          `rclone remotes: source = ${from.plan.rcloneRemote}, target = ${to.plan.rcloneRemote}, each with the identity of a grant on the bucket.`,
          'Buckets are encrypted at the target by the rendered provider resources; objects are re-encrypted as they are written.',
        ],
      }),
    );
  }
  const namespace = config.namespace;
  for (const s of config.workloads.statefulServices) {
    const volume = config.volumes.find((v) => v.name === s.volume);
    const gib = volume ? sizeInGiB(volume.size) : 0;
    steps.push(
      step({
        phase: 'move-data',
        title: `Copy ${s.name} (volume ${s.volume}, ${volume?.size ?? '?'})`,
        effortDays: 1,
        downtimeMinutes: 0,
        commands: volumeCopyCommands(s.image, s.name, namespace),
        notes: [
          'A rehearsal copy now; the final copy runs at cut-over with writes frozen (its minutes are counted there).',
          `About ${finalCopyMinutes(gib)} minutes for ${gib} GiB at ${MIB_PER_SECOND} MiB/s.`,
        ],
      }),
    );
  }
  return steps;
}

function moveKafka({ config, kafka }: PlanInput): PlanStep {
  const groups = config.workloads.pipelines.map((p) => p.autoscaling?.consumerGroup ?? p.name);
  if (kafka === 'stay')
    return step({
      phase: 'move-kafka',
      title: 'Keep Kafka where it is; reach it from the target cluster',
      effortDays: 0.5,
      downtimeMinutes: 0,
      commands: [
        'kubectl --context target -n <ns> run kcat --rm -it --image=edenhill/kcat:1.7.1 -- -b <brokers> -L',
      ],
      notes: [
        'The pipelines keep their consumer groups and offsets; allow the brokers in network.allow (toCidr).',
      ],
    });
  return step({
    phase: 'move-kafka',
    title: `Mirror Kafka to the target with MirrorMaker 2, translating the offsets of ${groups.length} consumer group(s)`,
    effortDays: 2 + 0.25 * groups.length,
    downtimeMinutes: 0,
    commands: [
      'connect-mirror-maker.sh mm2.properties',
      'kafka-consumer-groups.sh --bootstrap-server <target> --describe --all-groups',
    ],
    manifests: ['mm2.properties'],
    notes: [
      'mm2.properties: clusters = source, target; source->target.enabled = true; source->target.topics = .*;',
      'sync.group.offsets.enabled = true; emit.checkpoints.enabled = true; replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
      `Consumer groups whose offsets are translated: ${groups.join(', ') || '(none declared)'}.`,
      'Pipelines commit only durably written offsets, so a restart on the target replays, never skips.',
    ],
  });
}

function swapIdentities({ config, from, to }: PlanInput): PlanStep {
  return step({
    phase: 'swap-identities',
    title: `Swap identities: ${config.grants.length} grant(s) move from ${from.name} to ${to.name} identities`,
    effortDays: 0.5 + 0.25 * config.grants.length,
    downtimeMinutes: 0,
    commands: [
      `tofu -chdir=out/${to.name}/provider output -json`,
      'kubectl --context target get serviceaccounts -A',
    ],
    notes: [
      'The target identities come from the rendered provider resources; check each grant works (read, write, list, manageRecords) before cut-over.',
      `Revoke the ${from.name} credentials after the roll-back window.`,
    ],
  });
}

function lowerTtl({ config, from }: PlanInput): PlanStep {
  const hosts = config.exposure.map((e) => e.host);
  return step({
    phase: 'lower-dns-ttl',
    title: `Lower the TTL of ${hosts.length} DNS record(s) to 60 s, at least one old TTL before cut-over`,
    effortDays: 0.25,
    downtimeMinutes: 0,
    commands: hosts.map((h) => from.plan.lowerTtlCommand(config.dns.zone, h)),
    notes: [
      'Wait out the old TTL (often 300 s to 48 h for delegations) so that clients re-resolve within a minute at cut-over.',
    ],
  });
}

function cutOver({ config, to }: PlanInput): PlanStep {
  const finalCopy = config.workloads.statefulServices.reduce((sum, s) => {
    const v = config.volumes.find((x) => x.name === s.volume);
    return sum + finalCopyMinutes(v ? sizeInGiB(v.size) : 0);
  }, 0);
  const ns = config.namespace;
  return step({
    phase: 'cut-over',
    title: `Cut over to ${to.name}: freeze writes, final copies, switch consumers and DNS`,
    effortDays: 1,
    downtimeMinutes: 15 + finalCopy,
    commands: [
      `kubectl --context source -n ${ns} scale deployment --all --replicas=0`,
      ...config.buckets.map((b) => `rclone sync --checksum source:${b.name} target:${b.name}`),
      'kafka-consumer-groups.sh --bootstrap-server <target> --describe --all-groups  # offsets translated, lag 0',
      `kubectl --context target -n ${ns} scale deployment --all --replicas=<as declared>`,
      'external-dns on the target takes over the records (txt owner id), or update them by hand',
    ],
    notes: [`15 minutes to stop, switch and re-resolve, plus ${finalCopy} minutes of final volume copies.`],
  });
}

function verify({ config }: PlanInput): PlanStep {
  return step({
    phase: 'verify',
    title: 'Verify: endpoints, pipelines, data',
    effortDays: 1,
    downtimeMinutes: 0,
    commands: [
      ...config.exposure.map(
        (e) =>
          `curl -fsS https://${e.host}${e.path === '/' ? '' : e.path}/ -o /dev/null -w '%{http_code}\\n'`,
      ),
      `kubectl --context target -n ${config.namespace} get pods`,
      'curl -s http://<pipeline>:9464/metrics | grep datapipe_consumer_lag',
      ...config.buckets.map((b) => `rclone check source:${b.name} target:${b.name} --one-way`),
    ],
    notes: ['Compare record counts per sink between source and target for one day of traffic.'],
  });
}

function rollBack({ config, from }: PlanInput): PlanStep {
  return step({
    phase: 'roll-back',
    title: `Roll back to ${from.name} if verification fails (prepared, not planned)`,
    effortDays: 0.5,
    downtimeMinutes: 15,
    conditional: true,
    commands: [
      `kubectl --context target -n ${config.namespace} scale deployment --all --replicas=0`,
      'connect-mirror-maker.sh mm2-reverse.properties  # target->source, offsets translated back',
      `kubectl --context source -n ${config.namespace} scale deployment --all --replicas=<as before>`,
      'point DNS back (TTL is still 60 s)',
    ],
    notes: [
      `Keep ${from.name} read-only and its data for the roll-back window (e.g. 14 days) before deleting anything.`,
    ],
  });
}

function sizeInGiB(size: string): number {
  const m = /^(\d+)(Mi|Gi|Ti)$/.exec(size);
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === 'Ti' ? n * 1024 : m[2] === 'Mi' ? n / 1024 : n;
}

function finalCopyMinutes(gib: number): number {
  return Math.ceil((gib * 1024) / MIB_PER_SECOND / 60);
}

function round(days: number): number {
  return Math.round(days * 100) / 100;
}
