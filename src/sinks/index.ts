/** The sink registry: adding a sink is one file exporting a SinkPlugin and one line here. */
import type { SinkPlugin } from '../runtime/plugin.ts';
import { stdoutSink } from './stdout.ts';

export const sinkPlugins: readonly SinkPlugin[] = [stdoutSink];

export function findSinkPlugin(type: string): SinkPlugin | undefined {
  return sinkPlugins.find((p) => p.type === type);
}
