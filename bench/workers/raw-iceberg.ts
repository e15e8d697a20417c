/**
 * The iceberg sink's writer (src/sinks/iceberg) called directly per batch by the bare Kafka client: the
 * same Parquet files, manifests and REST commits, without the engine (no decode stage, batcher, offset
 * tracker, retries or metrics). What the engine costs on top of the writer.
 *
 *   node bench/workers/raw-iceberg.ts --brokers ... --topic T --group G --records N --catalog http://... --namespace ns --table t --endpoint http://... --access-key k --secret-key s
 */

import pino from 'pino';
import { objectStoreDrivers } from '../../src/cli/plugins.ts';
import type { PipelineRecord } from '../../src/core/plugin.ts';
import { icebergOptions } from '../../src/sinks/iceberg/options.ts';
import { IcebergSink } from '../../src/sinks/iceberg/sink.ts';
import { consumeLoop, type RawMessage, workerArgs } from './consume-loop.ts';

const args = workerArgs(['catalog', 'namespace', 'table', 'endpoint', 'access-key', 'secret-key']);
const sink = new IcebergSink(
  icebergOptions.parse({
    catalogUri: args.extra['catalog'],
    namespace: args.extra['namespace'],
    table: args.extra['table'],
    create: true,
    s3: {
      endpoint: args.extra['endpoint'],
      forcePathStyle: true,
      accessKeyId: args.extra['access-key'],
      secretAccessKey: args.extra['secret-key'],
    },
  }),
  { pipelineName: 'raw', name: 'raw', logger: pino({ level: 'silent' }), baseDir: '.', stateDir: '.' },
  objectStoreDrivers,
);
await sink.connect();

await consumeLoop(args, async (batch: RawMessage[]) => {
  const records: PipelineRecord[] = batch.map((m) => ({
    position: { topic: args.topic, partition: m.partition, offset: Number(m.offset) },
    key: null,
    value: JSON.parse(m.value.toString('utf8')),
    headers: {},
    timestamp: Date.now(),
    sizeBytes: m.value.length,
  }));
  await sink.write(records);
});
await sink.close();
