/**
 * The shape of one entry of the rule catalogue (src/audit/rules/<provider>/<category>.yaml).
 * Knowledge lives in those files; this schema is what every entry must look like, and the
 * meta-test (catalogue.test.ts) holds every entry to it and runs its fixtures.
 */
import { z } from 'zod';
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import {
  CATEGORIES,
  FILE_KINDS,
  GENERIC_PROVIDER,
  type Provider,
  providersOf,
  SEVERITIES,
  type Target,
} from './model.ts';

const regex = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/** A structured match on parsed objects: Kubernetes documents, Terraform blocks, Ansible tasks. */
const objectMatcher = z.strictObject({
  /** Regex on the object's kind: `Ingress`, `resource.aws_iam_policy`, `amazon.aws.iam_policy`. */
  kind: regex,
  /** Field path pattern: `.`-separated, `*` is one segment, `**` any number of segments. */
  path: z.string().min(1).optional(),
  /** Regex on the last segment of the path (e.g. an annotation key, which has dots of its own). */
  key: regex.optional(),
  /** Regex on the scalar value at the path. */
  value: regex.optional(),
});

const matcher = z
  .strictObject({
    /** Regex tested on every line that is not a comment. */
    line: regex.optional(),
    object: objectMatcher.optional(),
    /** Only files whose whole text matches this regex are considered (e.g. `etcdctl` for backup jobs). */
    fileContains: regex.optional(),
    ignoreCase: z.boolean().default(false),
    /** Report only the first match in a file (for things named on many lines, like a CNI's DaemonSet). */
    oncePerFile: z.boolean().default(false),
    /**
     * The matched value (a line rule's first capture group, an object rule's value) must be the
     * `metadata.name` of an object this other rule matched somewhere in the same audit: a claim naming
     * a StorageClass that is defined elsewhere with a provider provisioner.
     */
    valueNamedBy: z.string().optional(),
    /**
     * Skip lines inside YAML block scalars (`key: |` or `key: >` text): an annotation or description
     * that mentions a setting is not the setting. Rules that look into embedded files leave it off.
     */
    outsideText: z.boolean().default(false),
  })
  .refine((m) => (m.line === undefined) !== (m.object === undefined), {
    message: 'a matcher has exactly one of "line" or "object"',
  });

const fixture = z.strictObject({
  /** A path, relative to an imaginary repository root: it decides the file kind, as in a real scan. */
  file: z.string().min(1),
  text: z.string().min(1),
  /** For a positive fixture: the 1-based line the finding must be reported at. */
  line: z.number().int().positive().optional(),
});

/**
 * Person-days to move the first occurrence: `default` for every target not named, and the targets
 * that differ from it. Moving to the rule's own provider costs 0 unless it says otherwise.
 */
function effortSchema(targets: TargetRegistry) {
  return z.strictObject({
    default: z.number().min(0),
    ...Object.fromEntries(targets.names.map((t) => [t, z.number().min(0).optional()])),
  }) as unknown as z.ZodType<EffortDays>;
}

type EffortDays = { readonly default: number } & Readonly<Record<Target, number | undefined>>;

/** What moving the first occurrence of a rule to `target` costs. */
export function effortFor(entry: { effort: EffortDays; provider: Provider }, target: Target): number {
  return entry.effort[target] ?? (target === entry.provider ? 0 : entry.effort.default);
}

/** The id segment of each provider: the targets' own (their descriptor's `audit.ruleId`) and `GEN`. */
export function providerIds(targets: TargetRegistry): Record<Provider, string> {
  return {
    ...Object.fromEntries(targets.list.map((t) => [t.name, t.audit.ruleId])),
    [GENERIC_PROVIDER]: 'GEN',
  };
}

function ruleSchema(targets: TargetRegistry) {
  const [first, ...rest] = providersOf(targets) as [string, ...string[]];
  const ids = Object.values(providerIds(targets)).join('|');
  return z.strictObject({
    /** Stable forever: `DP-<PROVIDER>-<CATEGORY>-<NNN>`, e.g. `DP-AWS-DNS-001`. Never reused. */
    id: z.string().regex(new RegExp(`^DP-(${ids})-(${Object.values(CATEGORY_ID).join('|')})-\\d{3}$`)),
    title: z.string().min(1),
    severity: z.enum(SEVERITIES),
    category: z.enum(CATEGORIES),
    provider: z.enum([first, ...rest]),
    /** The kinds of file the rule is tried on. */
    files: z.array(z.enum(FILE_KINDS)).min(1),
    match: matcher,
    /** Why this ties the platform to the provider. */
    message: z.string().min(1),
    /** The neutral alternative, in platform.yaml words. */
    suggestion: z.string().min(1),
    /** Person-days to move the first occurrence to each target. */
    effort: effortSchema(targets),
    /** Share of the effort each further occurrence of the rule costs (the first one pays the learning). */
    repeatEffort: z.number().min(0).max(1).default(0.25),
    references: z.array(z.url()).default([]),
    fixtures: z.strictObject({
      match: z.array(fixture).min(1),
      noMatch: z.array(fixture).min(1),
    }),
  });
}

export type RuleEntry = z.output<ReturnType<typeof ruleSchema>>;

export function ruleFileSchema(targets: TargetRegistry) {
  return z.array(ruleSchema(targets));
}

/** The id segment each category uses; the meta-test checks ids agree with their entry. */
export const CATEGORY_ID: Readonly<Record<(typeof CATEGORIES)[number], string>> = {
  'dns-and-load-balancing': 'DNS',
  persistence: 'STO',
  encryption: 'ENC',
  'workload-authorization': 'IAM',
  'cluster-state': 'ETCD',
  network: 'NET',
  'provider-api': 'API',
};
