/**
 * `datapipe import` on test/fixtures/import/lb-shop, a small AWS platform written for these cases:
 * the zone and its hosted-zone id only in Terraform, workloads exposed by LoadBalancer and NodePort
 * Services (one internal), plain environment variables beside a secret one. Expected values are read
 * off the fixture files by hand; then `render` refuses the draft's placeholders unless allowed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { platformTargets } from '../cli/plugins.ts';
import { importPlatform } from './import.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/import/lb-shop', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/datapipe.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'datapipe-import-lb-'));
after(() => rmSync(work, { recursive: true, force: true }));

function datapipe(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('import lb-shop', () => {
  const result = importPlatform([FIXTURE], platformTargets);
  const p = result.platform as {
    dns: { zone: string };
    exposure: unknown[];
    workloads: { services: { name: string; env?: Record<string, string>; secretEnv?: unknown[] }[] };
    targets: Record<string, Record<string, unknown>>;
  };

  it('validates', () => {
    assert.deepEqual(result.problems, []);
  });

  it('reads the zone and its hosted-zone id from Terraform (terraform/dns.tf:2-3)', () => {
    assert.equal(p.dns.zone, 'shop.example.org');
    assert.equal(p.targets['aws']!['hostedZoneId'], 'Z04417273MD9VQ2OZXQ5B');
    assert.equal(p.targets['aws']!['region'], 'eu-west-1');
  });

  it('exposes the LoadBalancer and NodePort Services, not the internal one', () => {
    assert.deepEqual(p.exposure, [
      { service: 'api', host: 'api.shop.example.org', path: '/' }, // external-dns hostname annotation
      { service: 'reports', host: 'reports.shop.example.org', path: '/' }, // NodePort, host guessed
    ]);
    assert.match(result.yaml, /k8s\/reports\.yaml: was a NodePort Service \(port 80\).*the host is a guess/);
    assert.match(result.yaml, /LoadBalancer Service "admin" is internal; not exposed/);
  });

  it('keeps plain environment variables as settings, never an inline secret', () => {
    const api = p.workloads.services.find((s) => s.name === 'api')!;
    assert.deepEqual(api.env, { LOG_LEVEL: 'info', MAX_CONNECTIONS: '64' });
    assert.deepEqual(api.secretEnv, [{ name: 'DB_USER', secret: 'api-db', key: 'user' }]);
    assert.doesNotMatch(result.yaml, /hunter2/);
    assert.match(result.yaml, /DB_PASSWORD has an inline value that looks secret/);
  });

  it('lists every placeholder it leaves, and none where it read the fact', () => {
    const fields = result.placeholders.map((x) => x.field);
    for (const expected of [
      'targets.aws.accountId', // no ARN with an account in the files
      'targets.aws.clusterName',
      'targets.azure.subscriptionId',
      'targets.gcp.projectId',
      'targets.baremetal.ipPool.0',
      'targets.scaleway.projectId',
      'targets.scaleway.keyManagerKeyId',
    ])
      assert.ok(fields.includes(expected), `${expected} not warned: ${fields.join(', ')}`);
    for (const read of ['targets.aws.hostedZoneId', 'targets.aws.region', 'dns.zone'])
      assert.ok(!fields.includes(read), `${read} was read from the files, not a placeholder`);
  });
});

describe('import, then render with placeholders', () => {
  const file = join(work, 'platform.yaml');
  const imported = datapipe('import', FIXTURE, '--out', file);

  it('import warns once per placeholder on stderr', () => {
    assert.equal(imported.code, 0, imported.stderr);
    const warnings = imported.stderr.split('\n').filter((l) => l.includes('warning:'));
    assert.ok(warnings.some((w) => /targets\.aws\.accountId is a placeholder \("000000000000"\)/.test(w)));
    assert.equal(new Set(warnings).size, warnings.length, 'a placeholder warned twice');
    assert.ok(warnings.length >= 10, `${warnings.length} warnings`);
  });

  it('render refuses the placeholders of its target, at their line', () => {
    const r = datapipe('render', file, '--target', 'aws', '--out', join(work, 'aws'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /platform\.yaml:\d+:\d+: targets\.aws\.accountId: "000000000000" is a placeholder/,
    );
    assert.doesNotMatch(
      r.stderr,
      /targets\.azure\./,
      'another target’s placeholders are not this render’s business',
    );
  });

  it('render for Scaleway refuses its own placeholders, not the current provider’s facts', () => {
    const r = datapipe('render', file, '--target', 'scaleway', '--out', join(work, 'scaleway'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /platform\.yaml:\d+:\d+: targets\.scaleway\.projectId: "00000000-0000-0000-0000-000000000000" is a placeholder/,
    );
    assert.doesNotMatch(r.stderr, /targets\.aws\./);
  });

  it('renders with --allow-placeholders, warning about each', () => {
    const r = datapipe('render', file, '--target', 'aws', '--out', join(work, 'aws'), '--allow-placeholders');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: .*targets\.aws\.accountId/);
    assert.match(r.stdout, /rendered for aws/);
  });

  it('renders a file without placeholders as before', () => {
    const draft = parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    draft['targets'] = {
      default: 'aws',
      aws: {
        region: 'eu-west-1',
        accountId: '123456789012',
        clusterName: 'shop',
        oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/5C2E1A',
        hostedZoneId: 'Z04417273MD9VQ2OZXQ5B',
        kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1b2c3d4e-5f60-7181-92a3-b4c5d6e7f809',
      },
    };
    const filled = join(work, 'filled.yaml');
    writeFileSync(filled, JSON.stringify(draft));
    const r = datapipe('render', filled, '--out', join(work, 'filled'));
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /placeholder/);
  });
});

describe('import on Scaleway: the zone from scaleway_domain_zone, a private load balancer kept private', () => {
  // Written here by hand: a Kapsule platform with one public and one private LoadBalancer Service.
  // Zone = subdomain.domain (Scaleway provider docs, resources/domain_zone); `scw-loadbalancer-private:
  // "true"` makes the load balancer private (scaleway-cloud-controller-manager,
  // docs/loadbalancer-annotations.md).
  const dir = join(work, 'scw-shop');
  mkdirSync(join(dir, 'k8s'), { recursive: true });
  mkdirSync(join(dir, 'terraform'), { recursive: true });
  writeFileSync(
    join(dir, 'terraform/dns.tf'),
    'resource "scaleway_domain_zone" "shop" {\n  domain    = "example.net"\n  subdomain = "shop"\n}\n',
  );
  const workload = (name: string, annotations: string) =>
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: ${name}
          image: rg.fr-par.scw.cloud/shop/${name}:1.0.0
          ports: [{ containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
  annotations: {${annotations}}
spec:
  type: LoadBalancer
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
  writeFileSync(join(dir, 'k8s/web.yaml'), workload('web', ''));
  writeFileSync(
    join(dir, 'k8s/backoffice.yaml'),
    workload('backoffice', ' service.beta.kubernetes.io/scw-loadbalancer-private: "true" '),
  );
  const result = importPlatform([dir], platformTargets);
  const p = result.platform as { dns: { zone: string }; exposure: unknown[] };

  it('reads the zone as subdomain.domain', () => {
    assert.equal(p.dns.zone, 'shop.example.net');
  });

  it('exposes the public load balancer only', () => {
    assert.deepEqual(p.exposure, [{ service: 'web', host: 'web.shop.example.net', path: '/' }]);
    assert.match(result.yaml, /LoadBalancer Service "backoffice" is internal; not exposed/);
  });
});
