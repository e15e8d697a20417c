/** The source registry: adding a source is one file exporting a SourcePlugin and one line here. */
import type { SourcePlugin } from '../core/plugin.ts';
import { fileSource } from './file.ts';
import { generatorSource } from './generator.ts';
import { kafkaSource } from './kafka/index.ts';

export const sourcePlugins: readonly SourcePlugin[] = [fileSource, generatorSource, kafkaSource];

export function findSourcePlugin(type: string): SourcePlugin | undefined {
  return sourcePlugins.find((p) => p.type === type);
}
