/**
 * Everything a target means, in one value per target (src/platform/targets/<name>/index.ts): its facts
 * schema, its render bindings, what the platform's resources are in a pipeline's bindings, how import recognises and drafts it, what a plan runs for it and the id
 * segment of its audit rules. Render, audit, import and plan read targets only through a
 * TargetRegistry of these, passed down from the CLI; adding a target is one module and one line where
 * the registry is assembled.
 */
import type { z } from 'zod';
import type { K8sObject } from '../k8s/object.ts';
import type { IcebergCatalog } from '../schema.ts';
import type { PlatformTarget } from './target.ts';

/** What `datapipe import` found in the scanned files, as a target reads it to fill in its facts. */
export interface ImportEvidence {
  /** Kubernetes objects: kind, name and the parsed document. */
  readonly kube: readonly {
    readonly kind: string;
    readonly name: string;
    readonly data: Record<string, unknown>;
  }[];
  /** Terraform resources: type and the parsed block. */
  readonly terraform: readonly { readonly type: string; readonly block: unknown }[];
  /** All of the above as one JSON text, for ids and ARNs found anywhere. */
  readonly text: string;
  /** The annotations of a Kubernetes object (empty when it has none). */
  annotations(object: { readonly data: Record<string, unknown> }): Record<string, unknown>;
  /** A top-level string attribute of a Terraform block. */
  attribute(block: unknown, name: string): string | undefined;
  /** The workload (or platform identity) a ServiceAccount belongs to. */
  identityOfServiceAccount(name: string): string | undefined;
}

interface TargetImport {
  /** Facts a draft gets until someone fills in the real ones (they must pass the facts schema). */
  readonly placeholders: Record<string, unknown>;
  /** Facts read from the files, when the scanned platform runs on this target. */
  observe?(evidence: ImportEvidence): Record<string, unknown>;
  /**
   * Completes the facts with what depends on the draft's identities (e.g. Azure client ids); returns
   * the TODO to write next to them, if any.
   */
  complete?(facts: Record<string, unknown>, identities: readonly string[]): string | undefined;
  /**
   * The DNS zone a Terraform resource (or data source, `data.` stripped) of this provider declares,
   * if it declares one.
   */
  dnsZone?(type: string, block: unknown, attribute: ImportEvidence['attribute']): string | undefined;
  /** Annotations that keep a LoadBalancer Service of this provider on a private address. */
  readonly internalLoadBalancer?: ReadonlyArray<readonly [annotation: string, value: RegExp]>;
}

/** Where pods reach a bound resource, for the egress NetworkPolicy of src/platform/bindings.ts. */
export interface Egress {
  readonly host: string;
  readonly port: number;
  /** Undefined when the facts do not say where the host is: render then fails, naming `cidrFact`. */
  readonly cidr: string | undefined;
  readonly except: readonly string[];
  /** The fact that says where the host is, and what the host is, for render's error when it is missing. */
  readonly cidrFact?: CidrFact;
}

/** A fact that places an endpoint in the network, and what that endpoint is, in words. */
export interface CidrFact {
  /** Where the fact is in platform.yaml, e.g. `targets.baremetal.s3.cidr`. */
  readonly path: readonly (string | number)[];
  /** What the pipeline is bound to there: "the store is bound to s3.shop.internal:9000". */
  readonly bound: 'store' | 'catalog';
  /** What serves it at the host: "set ... to where the S3 server is". */
  readonly server: string;
}

/** What the platform's resources are on this target, in the bindings render writes (docs/bindings.md). */
interface TargetBindings {
  /**
   * The `object-store` binding (without `type`) of the platform bucket `bucket`: driver, where it is,
   * and how the pods authenticate (never a credential: workload identity, or keys the pod already has).
   */
  objectStore(facts: unknown, bucket: string): Record<string, unknown>;
  /** Where pods reach that store (`binding` is what objectStore returned). */
  objectStoreEgress(facts: unknown, binding: Record<string, unknown>): Egress;
  /**
   * The provider's managed Iceberg REST catalog, as the catalog part of an `iceberg-catalog` binding
   * (`catalogUri`, `warehouse`, `auth` with the workload identity, ...; the table files' part comes from
   * `objectStore` of the catalog's bucket). Absent: the target has none, and the platform's `uri` is used
   * (src/platform/iceberg-catalogs.ts).
   */
  icebergCatalog?(facts: unknown, catalog: IcebergCatalog): Record<string, unknown>;
  /** Where pods reach that managed catalog. */
  icebergCatalogEgress?(facts: unknown): Egress;
  /**
   * Patches a bound pipeline's Deployment needs on this target for its bindings (e.g. the mounted CA a
   * binding's `caBundle` points at); none when absent.
   */
  pipelinePatches?(
    facts: unknown,
    deployment: K8sObject,
    bindings: Readonly<Record<string, Record<string, unknown>>>,
  ): K8sObject[];
}

interface TargetPlan {
  /** Person-days to stand up the cluster itself. */
  readonly clusterDays: number;
  /** What standing up the cluster means here, for the plan's notes. */
  readonly cluster: string;
  /** The rclone remote type of this target's object storage (https://rclone.org/overview/). */
  readonly rcloneRemote: string;
  /** The command that lowers the TTL of one record while the platform still runs here. */
  lowerTtlCommand(zone: string, host: string): string;
}

export interface TargetDescriptor {
  /** The word of `--target`, of the `targets.<name>` block and of audit rule providers. */
  readonly name: string;
  readonly title: string;
  /** Schema of the `targets.<name>` block. */
  readonly facts: z.ZodType;
  /** The six categories of bindings. */
  readonly render: PlatformTarget;
  readonly bindings: TargetBindings;
  readonly audit: {
    /** Segment of the ids of this target's rules: `DP-<ruleId>-DNS-001`. */
    readonly ruleId: string;
  };
  readonly import: TargetImport;
  readonly plan: TargetPlan;
}

/** The targets a program knows, assembled once at the top and passed down as a plain value. */
export interface TargetRegistry {
  readonly names: readonly string[];
  readonly list: readonly TargetDescriptor[];
  has(name: string): boolean;
  get(name: string): TargetDescriptor;
}

export function targetRegistry(list: readonly TargetDescriptor[]): TargetRegistry {
  const byName = new Map(list.map((t) => [t.name, t]));
  if (byName.size !== list.length) throw new Error('two targets with the same name');
  const names = list.map((t) => t.name);
  return {
    names,
    list,
    has: (name) => byName.has(name),
    get(name) {
      const target = byName.get(name);
      if (!target) throw new Error(`unknown target "${name}": one of ${names.join(', ')}`);
      return target;
    },
  };
}
