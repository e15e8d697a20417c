// The flagship example (examples/platform) rendered for every registered target and written to a
// temporary folder, as `datapipe render --out` would: the input of the apply, lint and runbook tests.
// Iterates over the target registry, so a target added there is checked without touching the tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { pipelinePlugins, platformTargets } from '../../src/cli/plugins.ts';
import { EXAMPLE } from '../../src/platform/example.test-support.ts';
import type { K8sObject } from '../../src/platform/k8s/object.ts';
import { loadPlatformFile } from '../../src/platform/load.ts';
import { type RenderResult, renderPlatform } from '../../src/platform/render.ts';
import type { TargetName } from '../../src/platform/target-facts.ts';
import { writeRender } from '../../src/platform/write-output.ts';

export interface RenderedTarget {
  readonly target: TargetName;
  readonly result: RenderResult;
  /** The output folder (RUNBOOK.md, kubernetes/, provider/). */
  readonly dir: string;
  /** Every object as `kubectl apply -k` would send it (patches applied), one multi-document YAML file. */
  readonly manifests: string;
}

export function registeredTargets(): TargetName[] {
  return [...platformTargets.names];
}

let cache: RenderedTarget[] | undefined;

export function renderAllTargets(): RenderedTarget[] {
  if (cache) return cache;
  const loaded = loadPlatformFile(EXAMPLE, pipelinePlugins, platformTargets, {});
  const root = mkdtempSync(join(tmpdir(), 'datapipe-render-'));
  cache = registeredTargets().map((target) => {
    const result = renderPlatform(loaded, target, platformTargets);
    const dir = join(root, target);
    mkdirSync(dir, { recursive: true });
    writeRender(result, dir);
    const manifests = join(root, `${target}.manifests.yaml`);
    writeFileSync(manifests, toYamlStream([...result.applied, ...result.bindings]));
    return { target, result, dir, manifests };
  });
  return cache;
}

export function toYamlStream(objects: readonly K8sObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}
