import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { kubectl } from '../../support/kubectl.ts';
import { services } from '../../support/services.ts';

const { kubernetes } = services;

test('kubernetes: the API server answers with the pinned version', { timeout: 30_000 }, async () => {
  const { stdout } = await kubectl(['version', '--output=json']);
  const version = JSON.parse(stdout) as { serverVersion: { gitVersion: string } };
  assert.equal(version.serverVersion.gitVersion.replace(/^v/, '').split('-')[0], kubernetes.version);
});

test('kubernetes: server-side apply, read back, and Pod Security warnings reach kubectl', {
  timeout: 60_000,
}, async () => {
  const ns = `smoke-${randomUUID().slice(0, 8)}`;
  const manifest = `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels: {pod-security.kubernetes.io/enforce: restricted}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: hello, namespace: ${ns}}
data: {greeting: hello kubernetes}
`;
  try {
    const applied = await kubectl(['apply', '--server-side', '--field-manager=smoke', '-f', '-'], manifest);
    assert.match(applied.stdout, /configmap\/hello serverside-applied/);
    assert.equal(applied.stderr, '');
    const got = await kubectl(['get', 'configmap', 'hello', '-n', ns, '-o', 'jsonpath={.data.greeting}']);
    assert.equal(got.stdout, 'hello kubernetes');
    // A Deployment whose pods break `restricted` is admitted with a warning (pods would be refused):
    // the apply test relies on kubectl printing these warnings.
    const privileged = `apiVersion: apps/v1
kind: Deployment
metadata: {name: privileged, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: p}}
  template:
    metadata: {labels: {app: p}}
    spec:
      containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
`;
    const warned = await kubectl(['apply', '--server-side', '--field-manager=smoke', '-f', '-'], privileged);
    assert.match(warned.stderr, /Warning: would violate PodSecurity "restricted:latest"/);
  } finally {
    await kubectl(['delete', 'namespace', ns, '--wait=false']);
  }
});
