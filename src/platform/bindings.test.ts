/**
 * The bindings render writes for the flagship: per target, in the overlay only, what each name the
 * pipelines use is there (expected drivers from each provider's own object store: S3 on AWS, Blob
 * Storage on Azure, Cloud Storage on GCP, the S3-compatible server of the bare-metal facts); no
 * credential in any rendered ConfigMap; a name the platform does not declare fails at load.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { parseBindings } from '../config/bindings.ts';
import { loadPipelineFile } from '../config/pipeline.ts';
import { parseYamlText } from '../config/yaml-file.ts';
import { inlineSecrets } from './bindings.ts';
import { EXAMPLE, renderExample, writePlatformVariant } from './example.test-support.ts';
import type { K8sObject } from './k8s/object.ts';
import { loadPlatformFile } from './load.ts';
import { renderPlatform } from './render.ts';

const ARCHIVE = join(EXAMPLE, '..', 'pipelines', 'orders-to-archive.yaml');

function configMap(
  objects: readonly K8sObject[],
  name: string,
): { data: Record<string, string> } | undefined {
  return objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as
    | { data: Record<string, string> }
    | undefined;
}

describe('rendered bindings', () => {
  const expected: Record<string, Record<string, unknown>> = {
    aws: { driver: 's3', bucket: 'shop-orders-archive', region: 'eu-central-1', auth: 'workload' },
    azure: {
      driver: 'azure-blob',
      accountUrl: 'https://shopdatastore.blob.core.windows.net',
      container: 'shop-orders-archive',
      auth: 'workload',
    },
    gcp: { driver: 'gcs', bucket: 'shop-orders-archive', auth: 'workload' },
    baremetal: {
      driver: 's3',
      bucket: 'shop-orders-archive',
      endpoint: 'https://s3.shop.internal:9000',
      forcePathStyle: true,
      region: 'us-east-1',
      auth: 'auto',
    },
    // Scaleway Object Storage: S3 API at https://s3.<region>.scw.cloud (Scaleway docs, "Object Storage
    // API endpoints"); no workload identity, so the AWS default chain finds the keys of Secret
    // `<identity>-scw` in the environment.
    scaleway: {
      driver: 's3',
      bucket: 'shop-orders-archive',
      endpoint: 'https://s3.fr-par.scw.cloud',
      region: 'fr-par',
      auth: 'auto',
    },
  };
  for (const [target, result] of renderExample()) {
    test(`${target}: the archive's store and Kafka cluster, in the overlay, and the pipeline loads with them`, () => {
      assert.equal(configMap(result.workloads, 'orders-to-archive-bindings'), undefined);
      const cm = configMap(result.bindings, 'orders-to-archive-bindings');
      assert.ok(cm, 'bindings ConfigMap in kubernetes/bindings');
      const text = cm.data['bindings.yaml']!;
      const doc = parse(text) as { target: string; bindings: Record<string, Record<string, unknown>> };
      assert.equal(doc.target, target);
      assert.deepEqual(doc.bindings['shop-orders-archive'], { type: 'object-store', ...expected[target] });
      assert.deepEqual(doc.bindings['main'], {
        type: 'kafka',
        brokers: [
          'kafka-0.kafka.internal:9092',
          'kafka-1.kafka.internal:9092',
          'kafka-2.kafka.internal:9092',
        ],
      });
      // The runtime accepts it: the pipeline file resolves with exactly this document.
      const bindings = parseBindings(
        parseYamlText(text, join(tmpdir(), 'bindings.yaml')),
        pipelinePlugins,
        {},
      );
      const loaded = loadPipelineFile(ARCHIVE, pipelinePlugins, {}, bindings);
      const sink = (loaded.config.sinks as unknown as Record<string, unknown>[])[0]!;
      assert.equal(sink['driver'], expected[target]!['driver']);
      // The workload runs with it.
      const deploy = result.workloads.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === 'orders-to-archive',
      );
      assert.match(JSON.stringify(deploy), /"--bindings","\/etc\/datapipe-bindings\/bindings.yaml"/);
    });
    test(`${target}: no credential in any rendered ConfigMap`, () => {
      assert.deepEqual(inlineSecrets([...result.workloads, ...result.bindings]), []);
      const mongo = parse(configMap(result.bindings, 'orders-to-mongodb-bindings')!.data['bindings.yaml']!);
      assert.equal(mongo.bindings['shop-db'].uri, '${MONGODB_URI}');
    });
  }

  test('the credential check finds inline keys, and lets references through', () => {
    const cm = (data: string): K8sObject =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x' },
        data: { 'bindings.yaml': data },
      }) as K8sObject;
    assert.deepEqual(
      inlineSecrets([cm('bindings: { s: { secretAccessKey: "${file:/s/key}", uri: "${U}" } }')]),
      [],
    );
    assert.equal(inlineSecrets([cm('bindings: { s: { secretAccessKey: wJalrXUtnFEMI } }')]).length, 1);
    assert.match(inlineSecrets([cm('k: AKIAIOSFODNN7EXAMPLE')])[0]!, /AWS access key id/);
    assert.match(inlineSecrets([cm('u: mongodb://app:hunter2@db:27017')])[0]!, /password in a URL/);
    assert.match(
      inlineSecrets([cm('c: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc=="')]).join(),
      /Azure account key/,
    );
  });

  test('a store the platform does not declare fails at load, naming the pipeline field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-bindings-'));
    writeFileSync(
      join(dir, 'p.yaml'),
      'name: p\nsource: { type: kafka, kafka: main, topics: [t] }\nsinks: [{ name: a, type: object-store, store: nope }]\n',
    );
    writeFileSync(
      join(dir, 'platform.yaml'),
      `name: shop\nnamespace: shop\nimage: i:1\ndns: { zone: shop.example.com }\nworkloads:\n  pipelines: [{ name: p, file: p.yaml }]\nkafka: [{ name: main, brokers: ['k:9092'] }]\ntargets:\n  gcp: { projectId: shop-prod-4711, region: europe-west3, dnsManagedZone: z, kmsKeyId: projects/shop-prod-4711/locations/europe-west3/keyRings/shop/cryptoKeys/shop-data }\n`,
    );
    assert.throws(
      () => loadPlatformFile(join(dir, 'platform.yaml'), pipelinePlugins, platformTargets, {}),
      /workloads\.pipelines\[0\]\.file: p\.yaml: sinks\[0\]\.store: "nope" is not a bucket of the platform \(buckets: none declared\)/,
    );
  });

  const egressOf = (objects: readonly K8sObject[], name: string) =>
    (
      objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name) as
        | { spec: { egress: { to: unknown[]; ports: { port: number }[] }[] } }
        | undefined
    )?.spec.egress;

  test('egress follows the bindings: the bound store and brokers, per target', () => {
    const rendered = renderExample();
    // Bare metal: the S3 server of the facts, on its endpoint port (https://s3.shop.internal:9000).
    assert.deepEqual(egressOf(rendered.get('baremetal')!.bindings, 'orders-to-archive-bindings-egress'), [
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 9092 }] },
      { to: [{ ipBlock: { cidr: '192.168.10.30/32' } }], ports: [{ protocol: 'TCP', port: 9000 }] },
    ]);
    // AWS: S3 on its public HTTPS endpoint.
    assert.deepEqual(egressOf(rendered.get('aws')!.bindings, 'orders-to-archive-bindings-egress')?.[1], {
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    // Scaleway: Object Storage on its public HTTPS endpoint (s3.fr-par.scw.cloud:443), outside the cluster.
    assert.deepEqual(egressOf(rendered.get('scaleway')!.bindings, 'orders-to-archive-bindings-egress')?.[1], {
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    // MongoDB in the cluster: the pods of its stateful service, on 27017.
    assert.deepEqual(egressOf(rendered.get('gcp')!.bindings, 'orders-to-mongodb-bindings-egress')?.[1], {
      to: [
        {
          podSelector: {
            matchLabels: { 'app.kubernetes.io/instance': 'mongodb', 'app.kubernetes.io/part-of': 'shop' },
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: 27017 }],
    });
    for (const result of rendered.values()) {
      assert.equal(egressOf(result.workloads, 'orders-to-archive-bindings-egress'), undefined);
    }
  });

  test('render fails when a bound endpoint cannot be reached under the policy (bare metal, no CIDR)', () => {
    const text = readFileSync(EXAMPLE, 'utf8').replace(
      /\n\s*# Where s3\.shop\.internal is.*\n\s*cidr: .*\n/,
      '\n',
    );
    assert.doesNotMatch(text, /192\.168\.10\.30/);
    const loaded = loadPlatformFile(
      writePlatformVariant(EXAMPLE, text),
      pipelinePlugins,
      platformTargets,
      {},
    );
    assert.throws(
      () => renderPlatform(loaded, 'baremetal', platformTargets),
      /targets\.baremetal\.s3: orders-to-archive: "shop-orders-archive": the store is bound to s3\.shop\.internal:9000, a host name with no CIDR: the network policy cannot let orders-to-archive reach port 9000 there; set targets\.baremetal\.s3\.cidr to where the S3 server is$/,
    );
    // The clouds do not need it.
    assert.ok(renderPlatform(loaded, 'aws', platformTargets));
  });
});
