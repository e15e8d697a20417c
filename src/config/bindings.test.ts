import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pipelinePlugins } from '../cli/plugins.ts';
import { loadBindingsFile } from './bindings.ts';
import { ConfigErrors } from './config-error.ts';
import { loadPipelineFile } from './pipeline.ts';

const loadBindingsFileOf = (file: string) => loadBindingsFile(file, pipelinePlugins, {});

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'datapipe-bindings-'));
  mkdirSync(join(dir, 'env'));
  writeFileSync(join(dir, 'env', 'kafka-password'), 'pw-from-file\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const PIPELINE = [
  'name: orders', // 1
  'source:', // 2
  '  type: kafka', // 3
  '  kafka: main', // 4
  '  topics: [orders]', // 5
  'sinks:', // 6
  '  - name: archive', // 7
  '    type: object-store', // 8
  '    store: orders-archive', // 9
  '    format: parquet', // 10
];

const BINDINGS = [
  'target: aws', // 1
  'bindings:', // 2
  '  orders-archive:', // 3
  '    type: object-store', // 4
  '    driver: s3', // 5
  '    bucket: shop-orders-archive', // 6
  '    region: eu-west-1', // 7
  '    auth: workload', // 8
  '    caBundle: certs/ca.pem', // 9
  '  main:', // 10
  '    type: kafka', // 11
  '    brokers: [kafka-0.kafka:9093]', // 12
  '    tls: { ca: certs/kafka-ca.pem }', // 13
  '    sasl: { mechanism: SCRAM-SHA-512, username: datapipe, password: "${file:env/kafka-password}" }', // 14
];

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigErrors) return err.problems.map((p) => p.message);
    if (err instanceof Error && 'location' in err) return [err.message];
    throw err;
  }
  assert.fail('expected config errors');
}

describe('bindings', () => {
  test('a pipeline naming a store and a Kafka cluster gets their connection from the bindings', () => {
    const pipeline = write('p.yaml', PIPELINE);
    const bindings = loadBindingsFileOf(write('aws.yaml', BINDINGS));
    const { config } = loadPipelineFile(pipeline, pipelinePlugins, {}, bindings);
    const sink = config.sinks[0] as Record<string, unknown>;
    assert.equal(sink['driver'], 's3');
    assert.equal(sink['bucket'], 'shop-orders-archive');
    assert.equal(sink['region'], 'eu-west-1');
    assert.equal(sink['auth'], 'workload');
    assert.equal(sink['format'], 'parquet'); // the pipeline's own
    assert.equal(sink['caBundle'], join(dir, 'certs/ca.pem')); // relative to the bindings file
    assert.equal('store' in sink, false);
    const source = config.source as Record<string, unknown>;
    assert.deepEqual(source['brokers'], ['kafka-0.kafka:9093']);
    assert.deepEqual(source['tls'], { ca: join(dir, 'certs/kafka-ca.pem'), insecureSkipVerify: false });
    assert.equal((source['sasl'] as { password: string }).password, 'pw-from-file\n'.trim());
  });

  test('an iceberg sink naming a catalog gets the catalog, its auth and the store of its files from the binding', () => {
    const pipeline = write('lake.yaml', [
      'name: lake', // 1
      'source: { type: kafka, kafka: main, topics: [orders] }', // 2
      'sinks:', // 3
      '  - name: lake', // 4
      '    type: iceberg', // 5
      '    catalog: lake', // 6
      '    namespace: shop', // 7
      '    table: orders', // 8
      '    location: s3://elsewhere', // 9
    ]);
    const lines = [
      ...BINDINGS.slice(0, 2),
      ...BINDINGS.slice(9),
      '  lake:',
      '    type: iceberg-catalog',
      '    catalogUri: https://iceberg.shop.internal:8181',
      '    auth: bearer',
      '    token: "${file:env/kafka-password}"',
      '    location: s3://shop-lake', // 13
      '    s3: { endpoint: "https://s3.shop.internal:9000", forcePathStyle: true, caBundle: certs/s3-ca.pem }',
    ];
    const bindings = loadBindingsFileOf(write('lake-bindings.yaml', lines));
    // `location` is the binding's: set in the pipeline too, it is an error at the pipeline's line.
    assert.deepEqual(
      problems(() => loadPipelineFile(pipeline, pipelinePlugins, {}, bindings)),
      [
        `${pipeline}:9:15: sinks[0].location: also set by binding "lake" (${join(dir, 'lake-bindings.yaml')}:13): the binding says where and how to connect, the pipeline what to write`,
      ],
    );
    writeFileSync(pipeline, readFileSync(pipeline, 'utf8').replace('    location: s3://elsewhere\n', ''));
    const sink = loadPipelineFile(pipeline, pipelinePlugins, {}, bindings).config.sinks[0] as Record<
      string,
      unknown
    >;
    assert.equal(sink['catalogUri'], 'https://iceberg.shop.internal:8181');
    assert.equal(sink['token'], 'pw-from-file');
    assert.equal(sink['location'], 's3://shop-lake');
    assert.equal(sink['table'], 'orders');
    // A relative CA of the files' store resolves against the bindings file, like the object-store's.
    assert.equal((sink['s3'] as Record<string, unknown>)['caBundle'], join(dir, 'certs/s3-ca.pem'));
  });

  test('a name with no binding is an error at the pipeline line that names it', () => {
    const pipeline = write('p.yaml', PIPELINE);
    const bindings = loadBindingsFileOf(
      write('only-kafka.yaml', [...BINDINGS.slice(0, 2), ...BINDINGS.slice(9)]),
    );
    assert.deepEqual(
      problems(() => loadPipelineFile(pipeline, pipelinePlugins, {}, bindings)),
      [
        `${pipeline}:9:12: sinks[0].store: no binding "orders-archive" in ${join(dir, 'only-kafka.yaml')} (it has: main)`,
      ],
    );
  });

  test('without --bindings, every name is reported with the flag to give', () => {
    const pipeline = write('p.yaml', PIPELINE);
    assert.deepEqual(
      problems(() => loadPipelineFile(pipeline, pipelinePlugins, {})),
      [
        `${pipeline}:4:10: source.kafka: names the kafka binding "main": give the bindings with --bindings FILE`,
        `${pipeline}:9:12: sinks[0].store: names the object-store binding "orders-archive": give the bindings with --bindings FILE`,
      ],
    );
  });

  test('a binding of another kind, and a field both sides set, are errors', () => {
    const pipeline = write('p2.yaml', [
      ...PIPELINE.slice(0, 8),
      '    store: main', // 9
      '  - name: copy', // 10
      '    type: object-store', // 11
      '    store: orders-archive', // 12
      '    bucket: elsewhere', // 13
    ]);
    const file = write('aws.yaml', BINDINGS);
    assert.deepEqual(
      problems(() => loadPipelineFile(pipeline, pipelinePlugins, {}, loadBindingsFileOf(file))),
      [
        `${pipeline}:9:12: sinks[0].store: binding "main" in ${file} is of type kafka, not object-store`,
        `${pipeline}:13:13: sinks[1].bucket: also set by binding "orders-archive" (${file}:6): the binding says where and how to connect, the pipeline what to write`,
      ],
    );
  });

  test('a bindings file is checked at its own lines: bad values, data-layout fields, bad names', () => {
    const check = (name: string, lines: string[]) => {
      const file = write(name, ['bindings:', ...lines]);
      return problems(() => loadBindingsFileOf(file)).map((p) => p.slice(file.length));
    };
    assert.deepEqual(check('b1.yaml', ['  archive:', '    type: object-store', '    driver: s4']), [
      `:4:13: bindings.archive.driver: unknown value "s4" for "driver"; did you mean "s3"? Expected 'fs' | 's3' | 'azure-blob' | 'gcs'`,
    ]);
    assert.deepEqual(
      check('b2.yaml', ['  archive:', '    type: object-store', '    driver: s3', '    format: parquet']),
      [':5:5: bindings.archive.format: unknown field'],
    );
    assert.deepEqual(check('b3.yaml', ['  Bad_Name:', '    type: mongodb', '    uri: mongodb://h']), [
      ':2:3: bindings.Bad_Name: must be lower-case letters, digits, ".", "_" or "-"',
    ]);
  });

  test('a pipeline without names runs on its inline options, with or without bindings', () => {
    const pipeline = write('inline.yaml', [
      'name: inline',
      'source: { type: generator, count: 1 }',
      'sinks:',
      '  - { name: archive, type: object-store, driver: fs, path: out }',
    ]);
    const bindings = loadBindingsFileOf(write('aws.yaml', BINDINGS));
    for (const b of [undefined, bindings]) {
      const sink = loadPipelineFile(pipeline, pipelinePlugins, {}, b).config.sinks[0] as Record<
        string,
        unknown
      >;
      assert.equal(sink['driver'], 'fs');
    }
  });
});
