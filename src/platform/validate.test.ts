/** The object validator rejects what the API server would: bad types, missing fields, unknown kinds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { K8sObject } from './k8s/object.ts';
import { InvalidObjectError, validateObject } from './validate.ts';

const deployment = (): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'n' },
  spec: {
    selector: { matchLabels: { a: 'b' } },
    template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
});

test('a valid Deployment passes the Kubernetes OpenAPI schema', () => {
  assert.equal(validateObject(deployment()), 'openapi');
});

test('a Deployment without containers, or with a string replica count, is rejected', () => {
  const noContainers = deployment();
  (noContainers['spec'] as { template: { spec: { containers?: unknown } } }).template.spec.containers =
    undefined;
  assert.throws(() => validateObject(noContainers), InvalidObjectError);
  const badReplicas = deployment();
  (badReplicas['spec'] as Record<string, unknown>)['replicas'] = 'two';
  assert.throws(() => validateObject(badReplicas), /Deployment\/n\/d is invalid/);
});

test('a ScaledObject without scaleTargetRef fails the KEDA CRD schema', () => {
  const so: K8sObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 's', namespace: 'n' },
    spec: { triggers: [{ type: 'kafka', metadata: {} }] },
  };
  assert.throws(() => validateObject(so), InvalidObjectError);
});

test('a Velero Schedule with an unknown field or a bad ttl fails its structural schema', () => {
  const schedule = (template: Record<string, unknown>): K8sObject => ({
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: { name: 's', namespace: 'velero' },
    spec: { schedule: '0 2 * * *', template },
  });
  assert.equal(validateObject(schedule({ ttl: '336h0m0s' })), 'structural');
  assert.throws(() => validateObject(schedule({ ttl: '14 days' })), /ttl/);
  assert.throws(() => validateObject(schedule({ snapshotVolume: false })), InvalidObjectError);
});

test('a kind without a schema is an error, not a pass', () => {
  const o: K8sObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
  assert.throws(() => validateObject(o), /no schema for example.com\/v1\/Widget/);
});
