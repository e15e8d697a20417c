/** KEDA ScaledObjects: pipelines scale on Kafka consumer lag (the `kafka` scaler). */
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { PipelineWorkload, PlatformConfig } from '../schema.ts';
import { workloadMeta } from './common.ts';
import { type K8sObject, typed } from './object.ts';
import { PIPELINE_COMPONENT } from './pipeline.ts';

export function scaledObject(config: PlatformConfig, p: PipelineWorkload): K8sObject | undefined {
  const a = p.autoscaling;
  if (!a) return undefined;
  return typed<IScaledObject>({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: workloadMeta(config, p.name, PIPELINE_COMPONENT),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: p.name },
      minReplicaCount: a.minReplicas,
      maxReplicaCount: a.maxReplicas,
      // A rebalance pauses every consumer of the group: scale down slowly.
      cooldownPeriod: 300,
      triggers: [
        {
          type: 'kafka',
          ...(a.triggerAuthentication ? { authenticationRef: { name: a.triggerAuthentication } } : {}),
          metadata: {
            bootstrapServers: a.bootstrapServers,
            consumerGroup: a.consumerGroup,
            topic: a.topic,
            lagThreshold: String(a.lagThreshold),
            // More replicas than partitions would sit idle.
            allowIdleConsumers: 'false',
          },
        },
      ],
    },
  });
}
