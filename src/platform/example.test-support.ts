/**
 * Shared by the platform tests and `npm run golden:update`: the flagship example rendered for every
 * target, and where its golden files live.
 */

import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/**
 * A variant of the platform file `platform` (its text edited by a test): written as platform.yaml in a
 * fresh folder beside a copy of its `pipelines/`; returns the new file's path.
 */
export function writePlatformVariant(platform: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'datapipe-platform-'));
  cpSync(join(dirname(platform), 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  const file = join(dir, 'platform.yaml');
  writeFileSync(file, text);
  return file;
}
