/**
 * `datapipe import` on the fixture platforms: the draft says what the manifests say, marks what
 * they do not, validates, and renders for every other target (the round trip into datapipe).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { platformDir, SMALL_SCALEWAY_PLATFORM } from '../audit/fixture-platforms.ts';
import { platformTargets } from '../cli/plugins.ts';
import { importPlatform } from './import.ts';
import { TODO_PREFIX } from './write-yaml.ts';

const BIN = fileURLToPath(new URL('../../bin/datapipe.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'datapipe-import-'));
after(() => rmSync(work, { recursive: true, force: true }));

function datapipe(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('import aws-origin', () => {
  const result = importPlatform([platformDir('aws-origin')], platformTargets);
  const p = result.platform as Record<string, unknown>;

  it('recognises an AWS platform and drafts a valid platform.yaml', () => {
    assert.equal(result.provider, 'aws');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(parse(result.yaml), JSON.parse(JSON.stringify(p)));
  });

  it('finds the workloads, leaving out platform components (external-dns, flannel)', () => {
    const w = p['workloads'] as Record<string, { name: string }[]>;
    assert.deepEqual(
      w['services']!.map((s) => s.name),
      ['collector-api', 'initialload'],
    );
    assert.deepEqual(w['statefulServices'], [
      {
        name: 'mongodb',
        image: 'mongo:7.0',
        replicas: 1,
        port: 27017,
        volume: 'mongodb-data',
        mountPath: '/data/db',
        runAsUser: 999,
      },
    ]);
  });

  it('turns the ingress into an exposure with TLS and basic auth', () => {
    assert.deepEqual(p['exposure'], [
      {
        service: 'collector-api',
        host: 'collector.prod.example.com',
        path: '/',
        tls: { secretName: 'collector-tls' },
        basicAuth: { secretName: 'basic-auth' },
      },
    ]);
    assert.deepEqual(p['dns'], { zone: 'prod.example.com' });
  });

  it('keeps the gp2 volume size and the buckets, and infers grants from the Ansible IAM policy', () => {
    assert.deepEqual(p['volumes'], [
      { name: 'mongodb-data', size: '50Gi', accessMode: 'ReadWriteOnce', encrypted: true },
    ]);
    assert.deepEqual(
      (p['buckets'] as { name: string }[]).map((b) => b.name),
      ['initialload-prod', 'prod-etcd-backups'],
    );
    assert.deepEqual(p['grants'], [
      {
        identity: 'initialload',
        actions: ['read', 'write', 'list'],
        resource: { bucket: 'initialload-prod' },
      },
      { identity: 'external-dns', actions: ['manageRecords'], resource: { dnsZone: 'prod.example.com' } },
    ]);
  });

  it('drafts the etcd backup from the CronJob', () => {
    assert.deepEqual(p['backup'], {
      schedule: '0 */6 * * *',
      retentionDays: 14,
      bucket: 'prod-etcd-backups',
    });
  });

  it('fills the AWS facts it can read and marks the rest', () => {
    const aws = (p['targets'] as Record<string, Record<string, string>>)['aws']!;
    assert.equal(aws['accountId'], '123456789012');
    assert.equal(aws['region'], 'eu-central-1');
    assert.match(aws['kmsKeyArn']!, /^arn:aws:kms:eu-central-1:123456789012:key\//);
    assert.match(
      result.yaml,
      /TODO\(datapipe import\): read from the files: region, accountId, kmsKeyArn; replace the placeholders of clusterName/,
    );
  });

  it('marks what it could not infer: 18 TODOs, each for a gap in the fixture', () => {
    // Counted by hand from test/fixtures/platforms/aws-origin, in the order of the draft:
    //   workloads: no pipeline inferred (image + pipeline files) 2, collector reads Kafka 1,
    //              no containerPort 1, no image user 1                                      = 5
    //   exposure:  ingress-nginx htpasswd key "auth"                                          1
    //   volumes:   claim mongodb-backup outside a StatefulSet 1, class gp2 not scanned 1      = 2
    //   network:   default deny to review 1, flannel did not enforce 1, initialload→Kafka 1   = 3
    //   backup:    retention not in the job                                                   1
    //   targets:   aws facts read/placeholders 1, azure 2 (facts, client ids), gcp 1, bm 1,
    //              scaleway 1                                                                 = 6
    //   5 + 1 + 2 + 3 + 1 + 6 = 18
    const todos = result.yaml
      .split('\n')
      .filter((l) => l.includes(TODO_PREFIX))
      .map((l) => l.slice(l.indexOf(TODO_PREFIX) + TODO_PREFIX.length).trim());
    const expected = [
      /^the datapipe runtime image that runs pipelines; no pipelines were inferred$/,
      /^datapipes need a pipeline file each/,
      /k8s\/collector\.yaml: reads Kafka; if this is a datapipe/,
      /^no containerPort declared; 8080 assumed$/,
      /^the image's user is not declared; 999 assumed/,
      /htpasswd from key "auth"/,
      /claim "mongodb-backup" is not a StatefulSet's volume/,
      /class "gp2" is not in the scanned files/,
      /^every flow not allowed here is denied/,
      /flannel, which does not enforce NetworkPolicy/,
      /initialload reaches Kafka/,
      /k8s\/etcd-backup\.yaml: retention is not visible in the job; 14 days assumed$/,
      /^read from the files: region, accountId, kmsKeyArn; replace the placeholders of clusterName/,
      /^placeholders: fill in before rendering for azure$/,
      /^placeholders for initialload, external-dns, cluster-backup: after applying provider\//,
      /^placeholders: fill in before rendering for gcp$/,
      /^placeholders: fill in before rendering for baremetal$/,
      /^placeholders: fill in before rendering for scaleway$/,
    ];
    assert.equal(todos.length, 18, todos.join('\n'));
    assert.equal(result.todos, 18, 'the count reported to the user');
    for (const [i, pattern] of expected.entries()) assert.match(todos[i]!, pattern, `TODO ${i + 1}`);
  });
});

describe('import azure-shop', () => {
  const result = importPlatform([platformDir('azure-shop')], platformTargets);
  const p = result.platform as Record<string, unknown>;

  it('recognises Azure, reads the Helm chart and ties the role assignment to the chart workload', () => {
    assert.equal(result.provider, 'azure');
    assert.deepEqual(result.problems, []);
    const services = (p['workloads'] as Record<string, { name: string; image: string }[]>)['services']!;
    assert.deepEqual(
      services.map((s) => [s.name, s.image]),
      [
        ['orders', 'shopacr.azurecr.io/orders-pipeline:1.8.0'],
        ['shop-api', 'shop-api:2.3.1'],
      ],
    );
    assert.deepEqual((p['grants'] as unknown[])[0], {
      identity: 'orders',
      actions: ['read', 'write', 'list'],
      resource: { bucket: 'orders-archive' },
    });
    assert.deepEqual((p['network'] as { allow: unknown[] }).allow, [
      { from: 'shop-api', to: 'postgres', ports: [5432] },
    ]);
  });

  it('keeps the client ids it found and marks the missing ones', () => {
    const azure = (p['targets'] as Record<string, Record<string, unknown>>)['azure']!;
    assert.deepEqual(azure['clientIds'], {
      orders: '00000000-0000-0000-0000-000000000000',
      'external-dns': '6f1c2a8e-0d7b-4c55-9f1e-3a2b1c0d9e8f',
    });
    assert.equal(azure['storageAccount'], 'shopdata');
    assert.match(result.yaml, /placeholders for orders: after applying provider\//);
  });
});

describe('import, then render for another target', () => {
  for (const [name, targets] of [
    ['aws-origin', ['azure', 'gcp', 'baremetal']],
    ['azure-shop', ['aws', 'gcp', 'baremetal']],
  ] as const) {
    it(`${name}: datapipe import writes a draft that datapipe render --allow-placeholders accepts for ${targets.join(', ')}`, () => {
      const file = join(work, `${name}.yaml`);
      const imported = datapipe('import', platformDir(name), '--out', file);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(readFileSync(file, 'utf8'), /^# Drafted by `datapipe import`/);
      for (const target of targets) {
        const out = join(work, `${name}-${target}`);
        // The draft keeps placeholders for the other targets' facts; render refuses them unless allowed.
        const rendered = datapipe('render', file, '--target', target, '--out', out, '--allow-placeholders');
        assert.equal(rendered.code, 0, `${target}: ${rendered.stderr}`);
        assert.match(rendered.stdout, new RegExp(`rendered for ${target}`));
      }
    });
  }

  it('exits 2 for a path that does not exist', () => {
    assert.equal(datapipe('import', join(work, 'nope')).code, 2);
  });
});

describe('import small-scaleway-platform', () => {
  // Values from the fixture's files (see its README): region nl-ams and the bucket's project id.
  const result = importPlatform([SMALL_SCALEWAY_PLATFORM], platformTargets);
  const targets = (result.platform as { targets: Record<string, Record<string, unknown>> }).targets;

  it('recognises Scaleway and reads its facts from the files', () => {
    assert.equal(result.provider, 'scaleway');
    assert.equal(targets['default'] as unknown, 'scaleway');
    assert.equal(targets['scaleway']!['region'], 'nl-ams');
    assert.equal(targets['scaleway']!['projectId'], '7a0c3e1d-2b4f-4c6a-9e8d-1f2a3b4c5d6e');
  });
});
