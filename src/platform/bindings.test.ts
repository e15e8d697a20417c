/**
 * The bindings render writes for the flagship: per target, in the overlay only, what each name the
 * pipelines use is there (expected drivers from each provider's own object store: S3 on AWS, Blob
 * Storage on Azure, Cloud Storage on GCP, the S3-compatible server of the bare-metal facts); no
 * credential in any rendered ConfigMap; a name the platform does not declare fails at load.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { pipelinePlugins } from '../cli/plugins.ts';
import { parseBindings } from '../config/bindings.ts';
import { loadPipelineFile } from '../config/pipeline.ts';
import { parseYamlText } from '../config/yaml-file.ts';
import { inlineSecrets } from './bindings.ts';
import { EXAMPLE, renderExample } from './example.test-support.ts';
import type { K8sObject } from './k8s/object.ts';
import { loadPlatformFile } from './load.ts';

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
      () => loadPlatformFile(join(dir, 'platform.yaml'), pipelinePlugins, {}),
      /workloads\.pipelines\[0\]\.file: p\.yaml: sinks\[0\]\.store: "nope" is not a bucket of the platform \(buckets: none declared\)/,
    );
  });
});
