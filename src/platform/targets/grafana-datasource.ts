/**
 * The provider-metrics data source for Grafana, provisioned by the Grafana sidecar from a ConfigMap
 * labelled `grafana_datasource`. Rendered only when the platform grants Grafana `readMetrics`; it
 * authenticates with the workload identity of the `grafana` ServiceAccount, never with a key.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';

import { type K8sObject, recommendedLabels, typed } from '../k8s/object.ts';
import { PLATFORM_IDENTITY_PLACES, type PlatformModel } from '../model.ts';

export function grafanaDatasource(
  model: PlatformModel,
  source: { name: string; type: string; jsonData: Record<string, string | boolean> },
): K8sObject[] {
  const granted = model.grants.some(
    (g) => g.identity.name === 'grafana' && g.actions.includes('readMetrics'),
  );
  if (!granted) return [];
  const place = PLATFORM_IDENTITY_PLACES['grafana']!;
  const name = `${model.config.name}-provider-metrics`;
  const datasources = {
    apiVersion: 1,
    datasources: [
      { name: source.name, type: source.type, access: 'proxy', editable: false, jsonData: source.jsonData },
    ],
  };
  return [
    typed<IConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: place.namespace,
        labels: {
          ...recommendedLabels({
            name: 'grafana',
            instance: name,
            component: 'monitoring',
            partOf: model.config.name,
          }),
          grafana_datasource: '1',
        },
      },
      data: { 'provider-metrics.yaml': `${JSON.stringify(datasources, null, 2)}\n` },
    }),
  ];
}

/** The runbook's step that installs Grafana under its platform identity; `more`: the target's other settings. */
export function grafanaInstall(more: string): string {
  const place = PLATFORM_IDENTITY_PLACES['grafana']!;
  return `Grafana (Helm chart \`grafana/grafana\`) in namespace \`${place.namespace}\` with \`serviceAccount.create=false\`, \`serviceAccount.name=${place.serviceAccount}\`${more}.`;
}
