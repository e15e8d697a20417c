/** What the iceberg integration tests share: a sink on the local catalog, records, and PyIceberg's view of a table. */
import { randomUUID } from 'node:crypto';
import { objectStoreDrivers } from '../../../src/cli/plugins.ts';
import type { PipelineRecord, PluginContext } from '../../../src/core/plugin.ts';
import { testPluginContext } from '../../../src/runtime/test-fakes.ts';
import { icebergOptions } from '../../../src/sinks/iceberg/options.ts';
import { IcebergSink } from '../../../src/sinks/iceberg/sink.ts';
import { services } from '../../support/services.ts';

export { readTable, type TableView } from '../../support/iceberg.ts';

export function context(pipeline = 'test'): PluginContext {
  return { ...testPluginContext('lake', import.meta.dirname), pipelineName: pipeline };
}

/** A namespace no other test run uses. */
export function freshNamespace(): string {
  return `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export function sinkOptions(namespace: string, table: string, extra: Record<string, unknown> = {}) {
  return icebergOptions.parse({
    catalogUri: services.iceberg.uri,
    namespace,
    table,
    create: true,
    s3: {
      endpoint: services.s3.endpoint,
      forcePathStyle: true,
      accessKeyId: services.s3.accessKeyId,
      secretAccessKey: services.s3.secretAccessKey(),
    },
    ...extra,
  });
}

export function openSink(
  namespace: string,
  table: string,
  extra: Record<string, unknown> = {},
  pipeline = 'test',
) {
  return new IcebergSink(sinkOptions(namespace, table, extra), context(pipeline), objectStoreDrivers);
}

export function records(
  from: number,
  to: number,
  partition = 0,
  value: (offset: number) => unknown = (o) => ({ id: `${partition}-${o}`, amount: o * 10 }),
): PipelineRecord[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    position: { topic: 'orders', partition, offset: from + i },
    key: `k${from + i}`,
    value: value(from + i),
    headers: {},
    timestamp: Date.parse('2026-01-01T00:00:00Z') + (from + i) * 600_000,
    sizeBytes: 64,
  }));
}

/** Ids `topic/partition/offset` of records, as the reader prints them. */
export function idsOf(batch: readonly PipelineRecord[]): string[] {
  return batch.map((r) => `${r.position.topic}/${r.position.partition}/${r.position.offset}`).sort();
}
