/** Shared by the platform tests: the flagship example rendered for every target, once. */
import { fileURLToPath } from 'node:url';
import { loadPlatformFile } from './load.ts';
import { type RenderResult, renderPlatform } from './render.ts';
import { builtinTargets } from './targets/builtin.ts';

export const EXAMPLE = fileURLToPath(new URL('../../examples/platform/platform.yaml', import.meta.url));

let cache: Map<string, RenderResult> | undefined;

export function renderExample(): Map<string, RenderResult> {
  if (!cache) {
    const loaded = loadPlatformFile(EXAMPLE, builtinTargets, {});
    cache = new Map(builtinTargets.names.map((t) => [t, renderPlatform(loaded, t, builtinTargets)] as const));
  }
  return cache;
}
