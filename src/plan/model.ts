/** A migration plan: ordered steps, each with its effort, its expected downtime and what it runs. */
import type { Target } from '../audit/model.ts';

export const PHASES = [
  'provision',
  'remediate',
  'move-data',
  'move-kafka',
  'swap-identities',
  'lower-dns-ttl',
  'cut-over',
  'verify',
  'roll-back',
] as const;
type Phase = (typeof PHASES)[number];

export interface PlanStep {
  readonly phase: Phase;
  readonly title: string;
  /** Person-days. */
  readonly effortDays: number;
  /** Minutes the platform does not accept writes because of this step (0: none). */
  readonly downtimeMinutes: number;
  /** Only carried out when verification fails; its downtime is not in the total. */
  readonly conditional: boolean;
  readonly commands: readonly string[];
  /** Files the step applies or produces (rendered manifests, Terraform, configs). */
  readonly manifests: readonly string[];
  readonly notes: readonly string[];
}

export interface MigrationPlan {
  readonly platform: string;
  readonly from: Target;
  readonly to: Target;
  readonly steps: readonly PlanStep[];
  /** Sum of the steps' effort. */
  readonly stepsEffortDays: number;
  /** A share of the steps' effort kept for what nobody wrote down (CONTINGENCY). */
  readonly contingencyDays: number;
  readonly effortDays: number;
  readonly downtimeMinutes: number;
  readonly budgetDays: number;
  readonly fits: boolean;
  /** Things that stop the plan from being carried out as written (e.g. the target does not render yet). */
  readonly blockers: readonly string[];
}

export const CONTINGENCY = 0.2;
