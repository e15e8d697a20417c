/** Branches the flagship example does not take: Ceph RBD on bare metal, a plain Ingress, no backup. */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { EXAMPLE } from './example.test-support.ts';
import { loadPlatformFile } from './load.ts';
import { terraformPolicyWildcards } from './policy-check.ts';
import { renderPlatform } from './render.ts';
import { validateObjects } from './validate.ts';

const PIPELINES = fileURLToPath(new URL('../../examples/platform/pipelines/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'platform-variants-'));

function variant(edit: (text: string) => string) {
  const text = edit(readFileSync(EXAMPLE, 'utf8').replaceAll('file: pipelines/', `file: ${PIPELINES}`));
  const file = join(dir, `v${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return loadPlatformFile(file, pipelinePlugins, platformTargets, {});
}

test('bare metal with Ceph RBD: encrypted StorageClass with a KMS id, the passphrase Secret from Terraform', () => {
  const loaded = variant((t) =>
    t.replace(
      '      system: longhorn\n      replicas: 3\n',
      '      system: ceph-rbd\n      clusterId: ceph-1\n      pool: kube\n',
    ),
  );
  const r = renderPlatform(loaded, 'baremetal', platformTargets);
  const sc = r.bindings.find((o) => o.kind === 'StorageClass' && o.metadata.name === 'datapipe-encrypted')!;
  assert.equal(sc['provisioner'], 'rbd.csi.ceph.com');
  assert.deepEqual(
    {
      encrypted: (sc['parameters'] as Record<string, string>)['encrypted'],
      kms: (sc['parameters'] as Record<string, string>)['encryptionKMSID'],
    },
    { encrypted: 'true', kms: 'shop-secrets-metadata' },
  );
  const secrets = r.terraform.get('encryption.tf.json')!.resource!['kubernetes_secret_v1']!;
  assert.ok('ceph_csi_rbd_shop_volume_encryption' in secrets);
  assert.ok(
    !JSON.stringify(secrets).match(/"encryptionPassphrase":\s*"[^$]/),
    'the passphrase is a Terraform reference',
  );
});

test('a plain Ingress exposure: valid Ingress, external-dns watches ingresses, no Gateway objects', () => {
  const loaded = variant((t) =>
    t
      .replace(
        '    basicAuth: { secretName: orders-api-htpasswd }\n',
        '    via: ingress\n    ingressClassName: traefik\n    ingressNamespace: traefik\n',
      )
      .replace(
        '    tls: { secretName: orders-api-tls, clusterIssuer: letsencrypt }\n',
        '    tls: { secretName: orders-api-tls }\n',
      ),
  );
  const r = renderPlatform(loaded, 'gcp', platformTargets);
  assert.deepEqual(
    r.workloads.filter((o) => o.kind === 'Ingress').map((o) => o.metadata.name),
    ['orders-api-orders-shop-example-com'],
  );
  assert.equal(r.workloads.filter((o) => o.kind === 'Gateway' || o.kind === 'HTTPRoute').length, 0);
  assert.equal(r.bindings.filter((o) => o.kind === 'EnvoyProxy').length, 0);
  const externalDns = r.bindings.find((o) => o.kind === 'Deployment' && o.metadata.name === 'external-dns')!;
  assert.match(JSON.stringify(externalDns), /--source=ingress/);
  const policy = r.workloads.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orders-api')!;
  assert.match(JSON.stringify(policy), /"kubernetes.io\/metadata.name":"traefik"/);
  assert.doesNotMatch(JSON.stringify(policy), /envoy-gateway-system/);
  validateObjects([...r.applied, ...r.bindings]);
});

test('without a backup block: no Velero objects, no backup identity, still no wildcard', () => {
  const loaded = variant((t) => t.replace(/\nbackup:\n(?: {2}.*\n)+/, '\n'));
  for (const target of ['aws', 'baremetal'] as const) {
    const r = renderPlatform(loaded, target, platformTargets);
    assert.equal(r.bindings.filter((o) => ['Schedule', 'CronJob'].includes(o.kind)).length, 0, target);
    assert.equal(
      r.bindings.filter((o) => o.kind === 'ServiceAccount' && /velero|etcd-backup/.test(o.metadata.name))
        .length,
      0,
    );
    for (const [file, doc] of r.terraform) assert.deepEqual(terraformPolicyWildcards(doc, file), []);
  }
});
