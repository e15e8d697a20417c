/**
 * Prometheus scraping (prometheus-operator PodMonitors on :9464/metrics) and a Grafana dashboard as a
 * ConfigMap the Grafana sidecar picks up by its `grafana_dashboard` label.
 */

import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { PlatformConfig } from '../schema.ts';
import { workloadMeta } from './common.ts';
import { type K8sObject, recommendedLabels, selectorLabels, typed } from './object.ts';
import { PIPELINE_COMPONENT } from './pipeline.ts';

export function podMonitors(config: PlatformConfig): K8sObject[] {
  if (!config.monitoring.prometheus) return [];
  return config.workloads.pipelines.map((p) =>
    typed<IPodMonitor>({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: workloadMeta(config, p.name, PIPELINE_COMPONENT),
      spec: {
        selector: { matchLabels: selectorLabels(p.name, config.name) },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
      },
    }),
  );
}

function panel(id: number, title: string, expr: string, y: number): Record<string, unknown> {
  return {
    id,
    type: 'timeseries',
    title,
    gridPos: { h: 8, w: 12, x: (id % 2) * 12, y },
    datasource: { type: 'prometheus', uid: '${datasource}' },
    targets: [{ expr, refId: 'A' }],
  };
}

export function grafanaDashboard(config: PlatformConfig): K8sObject[] {
  if (!config.monitoring.grafanaDashboard) return [];
  const dashboard = {
    title: `${config.name} datapipes`,
    uid: `${config.name}-datapipes`.slice(0, 40),
    schemaVersion: 39,
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
    panels: [
      panel(0, 'Records in per second', 'sum by (pipeline) (rate(datapipe_records_in_total[5m]))', 0),
      panel(
        1,
        'Records written per second',
        'sum by (pipeline, sink) (rate(datapipe_records_out_total[5m]))',
        0,
      ),
      panel(2, 'Consumer lag', 'sum by (pipeline) (datapipe_consumer_lag)', 8),
      panel(
        3,
        'Dead-lettered per second',
        'sum by (pipeline) (rate(datapipe_records_dead_lettered_total[5m]))',
        8,
      ),
    ],
  };
  return [
    typed<IConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `${config.name}-dashboard`,
        namespace: config.namespace,
        labels: {
          ...recommendedLabels({
            name: config.name,
            instance: `${config.name}-dashboard`,
            component: 'monitoring',
            partOf: config.name,
          }),
          grafana_dashboard: '1',
        },
      },
      data: { [`${config.name}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
    }),
  ];
}
