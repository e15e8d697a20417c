/** The source registry: adding a source is one file exporting a SourcePlugin and one line here. */
import type { SourcePlugin } from '../runtime/plugin.ts';

export const sourcePlugins: readonly SourcePlugin[] = [];

export function findSourcePlugin(type: string): SourcePlugin | undefined {
  return sourcePlugins.find((p) => p.type === type);
}
