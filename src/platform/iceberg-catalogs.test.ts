/**
 * The Iceberg catalog binding render writes per target (test/fixtures/iceberg-platform), checked against
 * facts from the providers' documentation, in the style of provider-facts.test.ts: each row names the
 * fact, the value as the page gives it, and the page. Also: the same pipeline file loads with every
 * target's binding, egress reaches the catalog and its store, bare metal mounts the S3 server's CA, and
 * the RUNBOOK says how to move a table.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { parseBindings } from '../config/bindings.ts';
import { loadPipelineFile } from '../config/pipeline.ts';
import { parseYamlText } from '../config/yaml-file.ts';
import { writePlatformVariant } from './example.test-support.ts';
import type { K8sObject } from './k8s/object.ts';
import { loadPlatformFile } from './load.ts';
import { type RenderResult, renderPlatform } from './render.ts';

const PLATFORM = fileURLToPath(
  new URL('../../test/fixtures/iceberg-platform/platform.yaml', import.meta.url),
);
const PIPELINE = join(PLATFORM, '..', 'pipelines', 'orders-to-lake.yaml');

const rendered = new Map<string, RenderResult>(
  platformTargets.names.map((t) => {
    const loaded = loadPlatformFile(PLATFORM, pipelinePlugins, platformTargets, {});
    return [t, renderPlatform(loaded, t, platformTargets)] as const;
  }),
);

function bindingsDoc(result: RenderResult): {
  target: string;
  bindings: Record<string, Record<string, unknown>>;
} {
  const cm = result.bindings.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === 'orders-to-lake-bindings',
  ) as { data: Record<string, string> } | undefined;
  assert.ok(cm, 'the bindings ConfigMap of orders-to-lake');
  return parse(cm.data['bindings.yaml']!);
}

interface CatalogFact {
  readonly fact: string;
  readonly field: string;
  readonly equals: unknown;
  readonly doc: string;
}

const GLUE = 'https://docs.aws.amazon.com/glue/latest/dg/connect-glu-iceberg-rest.html';
const BIGLAKE = 'https://docs.cloud.google.com/lakehouse/docs/spark-support';
const FACTS: Readonly<Record<string, readonly CatalogFact[]>> = {
  aws: [
    {
      fact: 'Glue Iceberg REST endpoint: https://glue.<region>.amazonaws.com/iceberg',
      field: 'catalogUri',
      equals: 'https://glue.eu-central-1.amazonaws.com/iceberg',
      doc: GLUE,
    },
    {
      fact: 'warehouse = the AWS account id (the default catalog)',
      field: 'warehouse',
      equals: '123456789012',
      doc: GLUE,
    },
    { fact: 'rest.sigv4-enabled = true', field: 'auth', equals: 'sigv4', doc: GLUE },
    { fact: 'rest.signing-name = glue', field: 'signingName', equals: 'glue', doc: GLUE },
    {
      fact: 'rest.signing-region = the region of the endpoint',
      field: 'signingRegion',
      equals: 'eu-central-1',
      doc: GLUE,
    },
  ],
  gcp: [
    {
      fact: 'uri = https://biglake.googleapis.com/iceberg/v1/restcatalog',
      field: 'catalogUri',
      equals: 'https://biglake.googleapis.com/iceberg/v1/restcatalog',
      doc: BIGLAKE,
    },
    {
      fact: 'warehouse of a single-bucket catalog = gs://CLOUD_STORAGE_BUCKET_NAME',
      field: 'warehouse',
      equals: 'gs://shop-lake',
      doc: BIGLAKE,
    },
    {
      fact: 'header.x-goog-user-project = PROJECT_ID (billing and quota)',
      field: 'headers',
      equals: { 'x-goog-user-project': 'shop-prod-4711' },
      doc: BIGLAKE,
    },
    {
      fact: 'rest.auth.type = GoogleAuthManager: a Google OAuth token (here from ADC, GKE Workload Identity)',
      field: 'auth',
      equals: 'google',
      doc: BIGLAKE,
    },
  ],
};

describe('iceberg-catalog bindings', () => {
  for (const [target, facts] of Object.entries(FACTS)) {
    for (const f of facts) {
      test(`${target}: ${f.fact} (${f.doc})`, () => {
        assert.deepEqual(bindingsDoc(rendered.get(target)!).bindings['lake']![f.field], f.equals);
      });
    }
  }

  // Where the catalog's bucket is on each target: the same store the target's object-store binding names
  // (bindings.test.ts checks those against the providers), in the scheme each catalog writes.
  const files: Record<string, Record<string, unknown>> = {
    aws: { location: 's3://shop-lake', s3: { region: 'eu-central-1' } },
    gcp: { location: 'gs://shop-lake', gcs: { auth: 'workload' } },
    azure: { location: 'abfss://shop-lake@shopdatastore.dfs.core.windows.net' },
    baremetal: {
      location: 's3://shop-lake',
      s3: {
        endpoint: 'https://s3.shop.internal:9000',
        region: 'us-east-1',
        forcePathStyle: true,
        caBundle: '/etc/datapipe-ca/ca.crt',
      },
    },
    scaleway: {
      location: 's3://shop-lake',
      s3: { endpoint: 'https://s3.fr-par.scw.cloud', region: 'fr-par' },
    },
  };
  for (const [target, result] of rendered) {
    test(`${target}: the tables' files, and the same pipeline file loads with the binding`, () => {
      const doc = bindingsDoc(result);
      const lake = doc.bindings['lake']!;
      assert.equal(lake['type'], 'iceberg-catalog');
      for (const [field, value] of Object.entries(files[target]!))
        assert.deepEqual(lake[field], value, field);
      if (!(target in FACTS)) {
        // No managed catalog: the one the platform runs (catalogs[0].uri).
        assert.equal(lake['catalogUri'], 'https://iceberg.shop.internal:8181');
        assert.equal(lake['auth'], 'none');
      }
      const bindings = parseBindings(
        parseYamlText(bindingsText(result), join(tmpdir(), 'b.yaml')),
        pipelinePlugins,
        {},
      );
      const loaded = loadPipelineFile(PIPELINE, pipelinePlugins, {}, bindings);
      const sink = (loaded.config.sinks as unknown as Record<string, unknown>[])[0]!;
      assert.equal(sink['catalogUri'], lake['catalogUri']);
      assert.equal(sink['table'], 'orders', 'what to write stays the pipeline’s');
    });
  }

  const egress = (result: RenderResult) =>
    (
      result.bindings.find(
        (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orders-to-lake-bindings-egress',
      ) as unknown as {
        spec: { egress: { to: { ipBlock: { cidr: string } }[]; ports: { port: number }[] }[] };
      }
    ).spec.egress.map((r) => `${r.to[0]!.ipBlock.cidr}:${r.ports.map((p) => p.port).join(',')}`);

  test('egress: the catalog and its store, per target', () => {
    // Kafka (10.20.0.0/16:9092) everywhere; the clouds' catalogs and stores are public HTTPS endpoints.
    assert.deepEqual(egress(rendered.get('aws')!), ['10.20.0.0/16:9092', '0.0.0.0/0:443']);
    assert.deepEqual(egress(rendered.get('gcp')!), ['10.20.0.0/16:9092', '0.0.0.0/0:443']);
    // The platform's catalog at catalogs[0].cidr on the port of its uri (8181), the S3 server on 9000.
    assert.deepEqual(egress(rendered.get('baremetal')!), [
      '10.20.0.0/16:9092',
      '192.168.10.40/32:8181',
      '192.168.10.30/32:9000',
    ]);
    assert.deepEqual(egress(rendered.get('azure')!), [
      '10.20.0.0/16:9092',
      '192.168.10.40/32:8181',
      '0.0.0.0/0:443',
    ]);
  });

  test('a catalog at a host name with no CIDR fails render, naming the catalog and its fact', () => {
    const text = readFileSync(PLATFORM, 'utf8').replace(/\n\s*cidr: 192\.168\.10\.40\/32/, '');
    assert.doesNotMatch(text, /192\.168\.10\.40/);
    const file = writePlatformVariant(PLATFORM, text);
    const loaded = loadPlatformFile(file, pipelinePlugins, platformTargets, {});
    assert.throws(
      () => renderPlatform(loaded, 'baremetal', platformTargets),
      (err: Error) => {
        assert.equal(
          err.message,
          `${file}:24:5: catalogs[0]: orders-to-lake: "lake": the catalog is bound to iceberg.shop.internal:8181, a host name with no CIDR: the network policy cannot let orders-to-lake reach port 8181 there; set catalogs.0.cidr to where the Iceberg catalog is`,
        );
        return true;
      },
    );
    // AWS reaches Glue's public endpoint instead: the platform's catalog is not used there.
    assert.ok(renderPlatform(loaded, 'aws', platformTargets));
  });

  test('bare metal: the bound pipeline mounts the CA its binding points at; no other target does', () => {
    const applied = (result: RenderResult): K8sObject =>
      result.applied.find((o) => o.kind === 'Deployment' && o.metadata.name === 'orders-to-lake')!;
    const pod = (
      applied(rendered.get('baremetal')!) as unknown as {
        spec: {
          template: { spec: { volumes: Record<string, unknown>[]; containers: Record<string, unknown>[] } };
        };
      }
    ).spec.template.spec;
    assert.deepEqual(
      pod.volumes.find((v) => v['name'] === 'object-store-ca'),
      { name: 'object-store-ca', configMap: { name: 's3-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    );
    const mounts = pod.containers[0]!['volumeMounts'] as Record<string, unknown>[];
    assert.deepEqual(
      mounts.find((m) => m['name'] === 'object-store-ca'),
      {
        name: 'object-store-ca',
        mountPath: '/etc/datapipe-ca',
        readOnly: true,
      },
    );
    // The workload's own volumes and mounts are kept (merged by name and mountPath, as kustomize does).
    for (const name of ['pipeline', 'state', 'tmp', 'bindings']) {
      assert.ok(
        pod.volumes.some((v) => v['name'] === name),
        name,
      );
    }
    assert.equal(mounts.length, 5);
    // One patch file per Deployment: the keys' envFrom and the CA together.
    assert.deepEqual(
      [...rendered.get('baremetal')!.files.keys()].filter((f) => f.includes('patches/')),
      ['kubernetes/bindings/patches/deployment-orders-to-lake.yaml'],
    );
    assert.match(
      rendered.get('baremetal')!.files.get('RUNBOOK.md')!,
      /ConfigMap `s3-ca` in `shop-data` with key `ca\.crt`/,
    );
    for (const target of ['aws', 'azure', 'gcp', 'scaleway']) {
      assert.doesNotMatch(JSON.stringify(applied(rendered.get(target)!)), /datapipe-ca/, target);
    }
  });

  test('the RUNBOOK says what the catalog is and how to move a table', () => {
    for (const [target, result] of rendered) {
      const runbook = result.files.get('RUNBOOK.md')!;
      assert.match(runbook, /## Iceberg catalogs/, target);
      assert.match(runbook, /rewrite_table_path/, target);
      assert.match(runbook, /namespaces\/NS\/register/, target);
      assert.match(runbook, /tx\.set_properties/, target);
    }
    assert.match(rendered.get('aws')!.files.get('RUNBOOK.md')!, /glue:CreateTable/);
    assert.match(rendered.get('gcp')!.files.get('RUNBOOK.md')!, /roles\/biglake\.editor/);
  });

  test('a target without a managed catalog needs the uri of the one the platform runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-catalog-'));
    const text = readFileSync(PLATFORM, 'utf8').replace(
      /\n\s*uri: https:\/\/iceberg\.shop\.internal:8181/,
      '',
    );
    assert.doesNotMatch(text, /iceberg\.shop\.internal/);
    writeFileSync(join(dir, 'platform.yaml'), text);
    cpSync(join(PLATFORM, '..', 'pipelines'), join(dir, 'pipelines'), { recursive: true });
    assert.throws(
      () => loadPlatformFile(join(dir, 'platform.yaml'), pipelinePlugins, platformTargets, {}),
      /platform\.yaml:\d+:\d+: catalogs\[0\]: catalog "lake": Azure \(AKS\), Bare metal, Scaleway \(Kapsule\) have no managed Iceberg catalog: set `uri`/,
    );
    // Declared only where a managed catalog exists, it needs none.
    const at = (target: string) => text.indexOf(`\n  ${target}:\n`);
    const cloudsOnly = `${text.slice(0, at('azure'))}${text.slice(at('gcp'), at('baremetal'))}\n`;
    assert.doesNotMatch(cloudsOnly, /storageAccount|ipPool|keyManagerKeyId/);
    writeFileSync(join(dir, 'platform.yaml'), cloudsOnly);
    const loaded = loadPlatformFile(join(dir, 'platform.yaml'), pipelinePlugins, platformTargets, {});
    assert.ok(renderPlatform(loaded, 'aws', platformTargets), 'AWS has Glue');
  });
});

function bindingsText(result: RenderResult): string {
  const cm = result.bindings.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === 'orders-to-lake-bindings',
  ) as unknown as { data: Record<string, string> };
  return cm.data['bindings.yaml']!;
}
