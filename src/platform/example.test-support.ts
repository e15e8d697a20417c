/** Shared by the platform tests: the flagship example rendered for every target, once. */
import { fileURLToPath } from 'node:url';
import { pipelinePlugins } from '../cli/plugins.ts';
import { loadPlatformFile } from './load.ts';
import { type RenderResult, renderPlatform } from './render.ts';
import { TARGET_NAMES, type TargetName } from './target-facts.ts';

export const EXAMPLE = fileURLToPath(new URL('../../examples/platform/platform.yaml', import.meta.url));

let cache: Map<TargetName, RenderResult> | undefined;

export function renderExample(): Map<TargetName, RenderResult> {
  if (!cache) {
    const loaded = loadPlatformFile(EXAMPLE, pipelinePlugins, {});
    cache = new Map(TARGET_NAMES.map((t) => [t, renderPlatform(loaded, t)] as const));
  }
  return cache;
}
