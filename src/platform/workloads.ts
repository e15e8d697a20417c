/**
 * The workload manifests: built from the neutral model only (never from a target), which is why
 * they are the same bytes for every target. Tests check that too.
 */
import { pipelineNamesResources } from './bindings.ts';
import { scaledObject } from './k8s/autoscaling.ts';
import { namespace } from './k8s/common.ts';
import { entryObjects } from './k8s/entry.ts';
import { grafanaDashboard, podMonitors } from './k8s/monitoring.ts';
import { networkPolicies } from './k8s/network-policy.ts';
import type { K8sObject } from './k8s/object.ts';
import { pipelineObjects } from './k8s/pipeline.ts';
import { serviceObjects } from './k8s/service.ts';
import { statefulObjects } from './k8s/stateful.ts';
import type { PlatformModel } from './model.ts';

export function workloadObjects(model: PlatformModel): K8sObject[] {
  const c = model.config;
  const out: K8sObject[] = [namespace(c)];
  for (const p of c.workloads.pipelines) {
    out.push(...pipelineObjects(c, p, model.pipelineFiles.get(p.name)!, pipelineNamesResources(model, p)));
  }
  for (const p of c.workloads.pipelines) {
    const so = scaledObject(c, p);
    if (so) out.push(so);
  }
  for (const s of c.workloads.services) out.push(...serviceObjects(c, s));
  for (const s of c.workloads.statefulServices) {
    out.push(...statefulObjects(c, s, c.volumes.find((v) => v.name === s.volume)!));
  }
  out.push(...entryObjects(c), ...networkPolicies(c), ...podMonitors(c), ...grafanaDashboard(c));
  return out;
}
