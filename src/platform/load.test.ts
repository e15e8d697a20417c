/** Config errors in platform.yaml: reported at file:line:column with the field path, like pipeline files. */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { ConfigError, ConfigErrors } from '../config/config-error.ts';
import { loadPlatformFile } from './load.ts';
import { chooseTarget, renderPlatform } from './render.ts';

const dir = mkdtempSync(join(tmpdir(), 'platform-load-'));
mkdirSync(join(dir, 'pipelines'));
writeFileSync(
  join(dir, 'pipelines', 'p.yaml'),
  'name: p\nsource: { type: kafka, brokers: ["${KAFKA_BROKERS}"], topics: [orders] }\nsinks: [{ name: out, type: stdout }]\n',
);
writeFileSync(join(dir, 'pipelines', 'broken.yaml'), 'name: p\nsinks: []\n');

const BASE = `name: shop
namespace: shop-data
image: ghcr.io/datapipe/datapipe:0.1.0
dns:
  zone: shop.example.com
workloads:
  pipelines:
    - name: p
      file: pipelines/p.yaml
  services:
    - name: api
      image: api:1
      port: 3000
buckets:
  - name: archive-bucket
grants:
  - identity: p
    actions: [write]
    resource: { bucket: archive-bucket }
exposure:
  - service: api
    host: api.shop.example.com
targets:
  aws:
    region: eu-central-1
    accountId: '123456789012'
    clusterName: shop
    oidcIssuer: oidc.eks.eu-central-1.amazonaws.com/id/ABC123
    hostedZoneId: Z0123
    kmsKeyArn: arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab
`;

let n = 0;
function file(text: string): string {
  const path = join(dir, `platform-${n++}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** All problems of loading `text`, as `line:col: field: reason` (the file name stripped). */
function problems(text: string): string[] {
  const path = file(text);
  try {
    loadPlatformFile(path, pipelinePlugins, platformTargets, {});
  } catch (err) {
    const list = err instanceof ConfigErrors ? err.problems : err instanceof ConfigError ? [err] : [];
    if (list.length === 0) throw err;
    return list.map((p) => p.message.replace(`${path}:`, ''));
  }
  return [];
}

describe('platform.yaml errors', () => {
  test('the base file is valid and renders for aws', () => {
    assert.deepEqual(problems(BASE), []);
    const loaded = loadPlatformFile(file(BASE), pipelinePlugins, platformTargets, {});
    assert.equal(chooseTarget(loaded, undefined, platformTargets), 'aws');
    assert.ok(renderPlatform(loaded, 'aws', platformTargets).files.size > 10);
  });

  test('an unknown field, at its key', () => {
    assert.deepEqual(problems(BASE.replace('      port: 3000\n', '      port: 3000\n      replica: 2\n')), [
      '14:7: workloads.services[0].replica: unknown field; did you mean "replicas"?',
    ]);
  });

  test('a wrong value, at the value, with the reason', () => {
    const [p] = problems(BASE.replace('  - name: archive-bucket\n', '  - name: Archive_Bucket\n'));
    assert.match(p!, /^15:11: buckets\[0\]\.name: must be a valid bucket name$/);
  });

  test('a missing required field names it', () => {
    const [p] = problems(BASE.replace('      port: 3000\n', ''));
    assert.match(p!, /^11:7: workloads\.services\[0\]\.port: required field is missing/);
  });

  test('a list where a string belongs is a wrong type, not a missing field', () => {
    const [p] = problems(BASE.replace('      image: api:1\n', '      image: [api, "1"]\n'));
    assert.equal(p, '12:14: workloads.services[0].image: expected a string, got a list');
  });

  test('a number given as text says what it found; a misspelt field suggests the right one', () => {
    assert.deepEqual(problems(BASE.replace('      port: 3000\n', '      port: three\n')), [
      '13:13: workloads.services[0].port: expected a number, got the string "three"',
    ]);
    assert.deepEqual(problems(BASE.replace('      port: 3000\n', '      port: 3000\n      imagee: x\n')), [
      '14:7: workloads.services[0].imagee: unknown field; did you mean "image"?',
    ]);
  });

  test('a grant on an unknown bucket, and an action that does not apply', () => {
    const text = BASE.replace('actions: [write]', 'actions: [manageRecords]').replace(
      'resource: { bucket: archive-bucket }',
      'resource: { bucket: nope-bucket }',
    );
    assert.deepEqual(problems(text), [
      '18:15: grants[0].actions[0]: "manageRecords" does not apply to a bucket (allowed: read, write, list)',
      '19:25: grants[0].resource.bucket: no bucket "nope-bucket" in buckets',
    ]);
  });

  test('basic auth on a plain Ingress, an Ingress without its controller namespace, a host outside the zone', () => {
    const text = BASE.replace(
      '    host: api.shop.example.com\n',
      '    host: api.other.org\n    via: ingress\n    basicAuth: { secretName: htpasswd }\n',
    );
    assert.deepEqual(problems(text), [
      '24:16: exposure[0].basicAuth: basic auth needs `via: gateway` (a plain Ingress has no portable auth)',
      '21:5: exposure[0].ingressNamespace: required with `via: ingress` (the Ingress controller namespace)',
      '22:11: exposure[0].host: must be inside the DNS zone "shop.example.com"',
    ]);
  });

  test('a missing pipeline file and a network rule with both `to` and `toCidr`', () => {
    const text = `${BASE.replace('file: pipelines/p.yaml', 'file: pipelines/missing.yaml')}network:\n  allow:\n    - { from: p, to: api, toCidr: 10.0.0.0/8, ports: [80] }\n`;
    assert.deepEqual(problems(text), [
      '9:13: workloads.pipelines[0].file: file not found',
      '33:7: network.allow[0]: give exactly one of `to` (a workload) or `toCidr`',
    ]);
  });

  test('a pipeline file that is not a valid pipeline is reported at the platform field, with its own error', () => {
    const [p] = problems(BASE.replace('file: pipelines/p.yaml', 'file: pipelines/broken.yaml'));
    assert.match(
      p!,
      /^9:13: workloads\.pipelines\[0\]\.file: not a valid pipeline: .*broken\.yaml:1:1: source: required field is missing/,
    );
  });

  test('a pipeline workload named differently from its pipeline file', () => {
    const text = BASE.replace('    - name: p\n      file:', '    - name: q\n      file:').replace(
      'identity: p',
      'identity: q',
    );
    assert.deepEqual(problems(text), [
      '8:13: workloads.pipelines[0].name: must equal the `name` in its pipeline file',
    ]);
  });

  test('rendering for a target without facts names the targets field', () => {
    const path = file(BASE);
    const loaded = loadPlatformFile(path, pipelinePlugins, platformTargets, {});
    assert.throws(
      () => renderPlatform(loaded, 'gcp', platformTargets),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.field === 'targets.gcp' &&
        err.location.line === 24 &&
        /no facts for target "gcp"/.test(err.message),
    );
  });

  test('azure without the client id of a granted identity names targets.azure.clientIds.<identity>', () => {
    const text = `${BASE}  azure:
    subscriptionId: 00000000-0000-0000-0000-000000000001
    tenantId: 00000000-0000-0000-0000-000000000002
    resourceGroup: rg
    location: westeurope
    oidcIssuerUrl: https://oidc.example/
    dnsZoneResourceGroup: dns
    storageAccount: shopdata
    keyVaultKeyId: https://kv.vault.azure.net/keys/k
    diskEncryptionSetId: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des
    clientIds: {}
`;
    const loaded = loadPlatformFile(file(text), pipelinePlugins, platformTargets, {});
    assert.throws(
      () => renderPlatform(loaded, 'azure', platformTargets),
      (err: unknown) =>
        err instanceof ConfigError && err.field === 'targets.azure.clientIds.p' && err.location.line === 41,
    );
  });
});
