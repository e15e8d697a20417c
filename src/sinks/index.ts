/** The sink registry: adding a sink is one file exporting a SinkPlugin and one line here. */
import type { SinkPlugin } from '../runtime/plugin.ts';
import { httpSink } from './http/index.ts';
import { icebergSink } from './iceberg/index.ts';
import { kafkaSink } from './kafka/index.ts';
import { mongodbSink } from './mongodb/index.ts';
import { nullSink } from './null.ts';
import { objectStoreSink } from './object-store/index.ts';
import { postgresSink } from './postgres/index.ts';
import { sqliteSink } from './sqlite.ts';
import { stdoutSink } from './stdout.ts';

export const sinkPlugins: readonly SinkPlugin[] = [
  nullSink,
  stdoutSink,
  mongodbSink,
  postgresSink,
  httpSink,
  sqliteSink,
  objectStoreSink,
  kafkaSink,
  icebergSink,
];

export function findSinkPlugin(type: string): SinkPlugin | undefined {
  return sinkPlugins.find((p) => p.type === type);
}
