import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { K8sObject } from './object.ts';
import { applyPatch, podTemplatePatch } from './patch.ts';

const deployment: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'n' },
  spec: {
    template: {
      metadata: { labels: { app: 'd' } },
      spec: {
        containers: [
          { name: 'a', envFrom: [{ configMapRef: { name: 'cm' } }] },
          { name: 'b', image: 'b' },
        ],
      },
    },
  },
};

test('a pod template patch merges labels and replaces envFrom of every container, by name', () => {
  const patch = podTemplatePatch(deployment, {
    labels: { 'azure.workload.identity/use': 'true' },
    envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 's' } }],
  });
  assert.deepEqual(patch.metadata, { name: 'd', namespace: 'n' });
  const patched = applyPatch(deployment, patch);
  const template = (patched['spec'] as { template: { metadata: unknown; spec: { containers: unknown[] } } })
    .template;
  assert.deepEqual(template.metadata, { labels: { app: 'd', 'azure.workload.identity/use': 'true' } });
  assert.deepEqual(template.spec.containers, [
    { name: 'a', envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 's' } }] },
    { name: 'b', image: 'b', envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 's' } }] },
  ]);
  assert.notEqual(patched, deployment, 'the original is not mutated');
  assert.equal(
    (
      (deployment['spec'] as { template: { spec: { containers: { envFrom?: unknown[] }[] } } }).template.spec
        .containers[0]!.envFrom ?? []
    ).length,
    1,
  );
});
