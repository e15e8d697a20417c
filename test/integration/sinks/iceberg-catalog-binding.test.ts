/**
 * Issue 18 point 3: an Iceberg pipeline names its catalog (`catalog: lake`), and the binding render
 * writes for a target makes the same pipeline file land rows in a real REST catalog. The file
 * (test/fixtures/iceberg-platform/pipelines/orders-to-lake.yaml, one sha256 before and after) runs with
 * bare metal's rendered bindings (catalog at `catalogs[].uri`, files on the S3 server with the pod's keys),
 * changed only where the local stand-ins differ: the Kafka brokers, the catalog URI (the local REST
 * catalog), the S3 endpoint (S3Proxy, plain HTTP, so no CA bundle). PyIceberg reads the rows back; each
 * record of the run is counted by the id the test put in its value, and that count is shown to catch a
 * deliberate double. Needs `npm run services:up -- kafka s3 iceberg`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import {
  endOffsets,
  ensureS3Bucket,
  ensureTopic,
  produce,
  resetGroup,
  sha256,
} from '../../../scripts/portability.ts';
import { objectStoreDrivers, pipelinePlugins, platformTargets } from '../../../src/cli/plugins.ts';
import { loadPlatformFile } from '../../../src/platform/load.ts';
import { renderPlatform } from '../../../src/platform/render.ts';
import { waitFor } from '../../../src/runtime/test-wait.ts';
import { icebergOptions } from '../../../src/sinks/iceberg/options.ts';
import { IcebergSink } from '../../../src/sinks/iceberg/sink.ts';
import { datapipeBin } from '../../support/datapipe-process.ts';
import { services } from '../../support/services.ts';
import { context, readTable, type TableView } from './iceberg-support.ts';

const PLATFORM = fileURLToPath(new URL('../../fixtures/iceberg-platform/platform.yaml', import.meta.url));
const PIPELINE = join(PLATFORM, '..', 'pipelines', 'orders-to-lake.yaml');
const RECORDS = 300;

type Fields = Record<string, unknown>;

/** What bare metal's render says the pipeline's names are. */
function renderedBindings(): { target: string; bindings: Record<string, Fields> } {
  const loaded = loadPlatformFile(PLATFORM, pipelinePlugins, platformTargets, {});
  const result = renderPlatform(loaded, 'baremetal', platformTargets);
  const cm = result.bindings.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === 'orders-to-lake-bindings',
  ) as unknown as { data: Record<string, string> };
  return parse(cm.data['bindings.yaml']!);
}

/** Copies of each record of `run` in the table, by the order id the test put in the value. */
function copiesOf(view: TableView, run: string): Map<string, number> {
  const copies = new Map<string, number>();
  for (const id of view.values['orderId'] ?? []) {
    if (id?.startsWith(`${run}-`)) copies.set(id, (copies.get(id) ?? 0) + 1);
  }
  return copies;
}

describe('an iceberg pipeline bound to a catalog', { timeout: 300_000 }, () => {
  test("the same pipeline file lands every record once through the target's catalog binding", async () => {
    const before = sha256(PIPELINE);
    const rendered = renderedBindings();
    const lake = rendered.bindings['lake']!;
    // What render said, before the stand-ins change it.
    assert.equal(lake['type'], 'iceberg-catalog');
    assert.equal(lake['catalogUri'], 'https://iceberg.shop.internal:8181');
    assert.equal((lake['s3'] as Fields)['caBundle'], '/etc/datapipe-ca/ca.crt');
    const location = String(lake['location']);
    assert.equal(location, 's3://shop-lake');

    // The stand-ins: local Kafka, the local REST catalog, S3Proxy over plain HTTP (so no CA bundle).
    rendered.bindings['main']!['brokers'] = [services.kafka.bootstrap];
    lake['catalogUri'] = services.iceberg.uri;
    const s3 = lake['s3'] as Fields;
    s3['endpoint'] = services.s3.endpoint;
    delete s3['caBundle'];
    const dir = mkdtempSync(join(tmpdir(), 'datapipe-iceberg-binding-'));
    const bindingsFile = join(dir, 'bindings.yaml');
    writeFileSync(bindingsFile, stringify(rendered));
    await ensureS3Bucket('shop-lake');

    const run = `lake-${randomBytes(4).toString('hex')}`;
    const brokers = [services.kafka.bootstrap];
    await ensureTopic(brokers, 'orders');
    await ensureTopic(brokers, 'orders-to-lake.dlq');
    const start = await endOffsets(brokers, 'orders');
    await resetGroup(brokers, 'orders-to-lake', 'orders', start);
    await produce(brokers, 'orders', run, RECORDS);

    // The keys the pod has from its Secret `orders-to-lake-s3` (envFrom), found by the AWS default chain.
    const child = spawn(
      process.execPath,
      [datapipeBin, 'run', PIPELINE, '--bindings', bindingsFile, '--port', '0'],
      {
        cwd: dir,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: services.s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: services.s3.secretAccessKey(),
          DATAPIPE_LOG_FORMAT: 'json',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        `the ${RECORDS} records of ${run} in shop.orders`,
        async () => {
          if (child.exitCode !== null) throw new Error(`datapipe run exited ${child.exitCode}:\n${log}`);
          const view = await readTable('shop', 'orders').catch(() => undefined);
          return view !== undefined && copiesOf(view, run).size >= RECORDS;
        },
        180_000,
        1000,
      );
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, log.slice(-3000));

    // Read after the graceful stop: a double written while stopping is counted too.
    const view = await readTable('shop', 'orders');
    const copies = copiesOf(view, run);
    assert.equal(copies.size, RECORDS, 'every record of the run');
    assert.deepEqual(
      [...copies].filter(([, n]) => n !== 1),
      [],
      'each exactly once',
    );
    // The table was created where the binding said, and holds the pipeline's offsets.
    assert.ok(
      view.files.every((f) => f.startsWith(`${location}/`)),
      view.files.slice(0, 3).join(', '),
    );
    assert.ok(view.files.some((f) => f.startsWith(`${location}/shop/orders/data/`)));
    assert.match(view.properties['datapipe.offsets.orders-to-lake'] ?? '', /"orders\/0":\d+/);
    assert.equal(sha256(PIPELINE), before, 'the pipeline file is unchanged');

    // The count can fail: the same record appended again by a writer without this pipeline's offsets.
    const firstId = `${run}-0`;
    const double = new IcebergSink(
      icebergOptions.parse({
        catalogUri: services.iceberg.uri,
        namespace: 'shop',
        table: 'orders',
        s3: {
          endpoint: services.s3.endpoint,
          forcePathStyle: true,
          accessKeyId: services.s3.accessKeyId,
          secretAccessKey: services.s3.secretAccessKey(),
        },
      }),
      context('deliberate-double'),
      objectStoreDrivers,
    );
    await double.connect();
    await double.write([
      {
        position: { topic: 'orders', partition: 0, offset: Number(start.get(0) ?? 0n) },
        key: firstId,
        value: { run, orderId: firstId, amount: 0.5 },
        headers: {},
        timestamp: Date.now(),
        sizeBytes: 64,
      },
    ]);
    await double.close();
    assert.equal(copiesOf(await readTable('shop', 'orders'), run).get(firstId), 2);
  });
});
