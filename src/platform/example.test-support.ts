/**
 * Shared by the platform tests and `npm run golden:update`: the flagship example rendered for every
 * target, and where its golden files live.
 */

import { fileURLToPath } from 'node:url';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { loadPlatformFile } from './load.ts';
import { type RenderResult, renderPlatform } from './render.ts';

export const EXAMPLE = fileURLToPath(new URL('../../examples/platform/platform.yaml', import.meta.url));

/** test/platform/golden/<target>/: written only by `npm run golden:update`, read by golden.test.ts. */
export const GOLDEN_DIR = fileURLToPath(new URL('../../test/platform/golden/', import.meta.url));

/** A fresh render of the example for every target: nothing shared with an earlier call. */
export function renderExampleUncached(): Map<string, RenderResult> {
  const loaded = loadPlatformFile(EXAMPLE, pipelinePlugins, platformTargets, {});
  return new Map(platformTargets.names.map((t) => [t, renderPlatform(loaded, t, platformTargets)] as const));
}

let cache: Map<string, RenderResult> | undefined;

/** The example rendered once per test process (rendering is the slow part of the platform tests). */
export function renderExample(): Map<string, RenderResult> {
  cache ??= renderExampleUncached();
  return cache;
}
