/**
 * Category bindings that several targets render the same way, with the provider's own words filled in:
 * cluster state on a managed control plane (Velero), NetworkPolicy enforcement (nothing to render, only
 * the CNI to install), and the container environment of an S3-compatible object store.
 */
import { NETWORK_POLICY_VERIFY } from '../k8s/network-policy.ts';
import { VELERO_NAMESPACE, VELERO_SERVICE_ACCOUNT, VELERO_VERIFY, veleroObjects } from '../k8s/velero.ts';
import type { PlatformModel } from '../model.ts';
import type { CategoryBindings } from './target.ts';

/** Velero's object-store provider → the image of its plugin (vmware-tanzu/velero-plugin-for-*). */
const VELERO_PLUGINS = {
  aws: 'velero/velero-plugin-for-aws',
  azure: 'velero/velero-plugin-for-microsoft-azure',
  gcp: 'velero/velero-plugin-for-gcp',
} as const;

export interface VeleroClusterState {
  /** The managed Kubernetes service that runs and backs up etcd itself (`EKS`, `AKS`, ...). */
  readonly cluster: string;
  /** Velero's object-store provider (and so its plugin). */
  readonly provider: keyof typeof VELERO_PLUGINS;
  /** The BackupStorageLocation's `config`. */
  readonly locationConfig: Record<string, string>;
  /** The Secret with the plugin's credentials file, where the provider has no workload identity. */
  readonly credentialsSecret?: string;
  /** A Helm setting the provider's workload identity needs on the Velero pod, in Markdown. */
  readonly podSetting?: string;
  /** What else the Helm install says, after its settings. */
  readonly installNote?: string;
  /** Checks beyond the backup location and schedule working. */
  readonly verify?: readonly string[];
}

/** Cluster state on a managed control plane: the API state and volume data backed up with Velero. */
export function veleroClusterState(model: PlatformModel, v: VeleroClusterState): CategoryBindings {
  const settings = [
    ...(v.credentialsSecret
      ? [`\`credentials.existingSecret=${v.credentialsSecret}\` (written by provider/)`]
      : []),
    '`serviceAccount.server.create=false`',
    `\`serviceAccount.server.name=${VELERO_SERVICE_ACCOUNT}\``,
    ...(v.podSetting ? [v.podSetting] : []),
    '`deployNodeAgent=true`',
    ...(v.installNote ? [v.installNote] : []),
  ];
  return {
    objects: veleroObjects(model, v.provider, v.locationConfig),
    runbook: {
      install: [
        `${v.cluster} runs and backs up etcd itself; the platform backs up the API state and volume data with Velero.`,
        `Velero (Helm chart \`vmware-tanzu/velero\`) in namespace \`${VELERO_NAMESPACE}\` with the \`${VELERO_PLUGINS[v.provider]}\` init container, ${settings.join(', ')}.`,
      ],
      verify: [VELERO_VERIFY, ...(v.verify ?? [])],
    },
  };
}

/** The network category: the rendered NetworkPolicies need a CNI that enforces them (`install`). */
export function networkPolicyEnforcement(install: string, verify = NETWORK_POLICY_VERIFY): CategoryBindings {
  return { objects: [], runbook: { install: [install], verify: [verify] } };
}

/** What every container gets where buckets are an S3-compatible store at `endpoint` (not AWS itself). */
export function s3CompatibleEnvironment(
  target: string,
  region: string,
  endpoint: string,
): Record<string, string> {
  return {
    DATAPIPE_TARGET: target,
    AWS_REGION: region,
    AWS_ENDPOINT_URL_S3: endpoint,
    S3_ENDPOINT: endpoint,
  };
}
