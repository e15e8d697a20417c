// The CustomResourceDefinitions a rendered platform needs, read from each project's Go module at the
// version pinned in scripts/services/kubernetes/crd-sources.txt (downloaded by `go mod download` into
// the services cache by scripts/services/kubernetes.sh; fetched here too if it is missing).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../src/platform/k8s/object.ts';
import { cacheDir } from './services.ts';

const SOURCES = fileURLToPath(new URL('../../scripts/services/kubernetes/crd-sources.txt', import.meta.url));

export interface CrdSource {
  readonly group: string;
  readonly module: string;
  readonly version: string;
  readonly folder: string;
}

export function crdSources(): CrdSource[] {
  return readFileSync(SOURCES, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [group, module, version, folder] = l.trim().split(/\s+/);
      return { group: group!, module: module!, version: version!, folder: folder! };
    });
}

/** The Go toolchain as scripts/services/lib.sh finds it: DATAPIPE_GO, PATH, then the official tarball's place. */
const goBin =
  process.env['DATAPIPE_GO'] ??
  (process.env['PATH'] ?? '')
    .split(':')
    .map((d) => join(d, 'go'))
    .find((f) => existsSync(f)) ??
  '/usr/local/go/bin/go';

const goEnv = {
  ...process.env,
  GOMODCACHE: join(cacheDir, 'go', 'mod'),
  GOFLAGS: '-mod=mod',
  GOTOOLCHAIN: 'auto',
};

/** The module's folder in the Go module cache, downloading it when missing. */
function moduleDir(s: CrdSource): string {
  const out = execFileSync(goBin, ['mod', 'download', '-json', `${s.module}@${s.version}`], {
    env: goEnv,
    cwd: cacheDir,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const dir = (JSON.parse(out) as { Dir?: string }).Dir;
  if (!dir || !existsSync(dir)) throw new Error(`go mod download ${s.module}@${s.version} gave no folder`);
  return dir;
}

interface Crd {
  readonly spec: { readonly group: string; readonly names: { readonly kind: string } };
}

/** apiVersion group/kind pairs of the custom resources among `objects` (core and built-in groups excluded). */
export function customKinds(objects: readonly K8sObject[]): Map<string, Set<string>> {
  const builtin =
    /^(v1|apps\/v1|batch\/v1|policy\/v1|networking\.k8s\.io\/v1|rbac\.authorization\.k8s\.io\/v1|storage\.k8s\.io\/v1|autoscaling\/v2)$/;
  const out = new Map<string, Set<string>>();
  for (const o of objects) {
    if (builtin.test(o.apiVersion)) continue;
    const group = o.apiVersion.split('/')[0]!;
    out.set(group, (out.get(group) ?? new Set()).add(o.kind));
  }
  return out;
}

/** The CRD documents (as YAML text) for every custom kind among `objects`, or an error naming what is missing. */
export function crdsFor(objects: readonly K8sObject[]): { name: string; yaml: string }[] {
  const sources = crdSources();
  const out: { name: string; yaml: string }[] = [];
  for (const [group, kinds] of customKinds(objects)) {
    const source = sources.find((s) => s.group === group);
    if (!source)
      throw new Error(
        `the output uses API group ${group} (${[...kinds].join(', ')}): add its Go module and CRD folder to scripts/services/kubernetes/crd-sources.txt`,
      );
    const folder = join(moduleDir(source), source.folder);
    const found = new Map<string, string>();
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(folder, file), 'utf8'))) {
        const crd = doc.toJS() as (Crd & { kind?: string }) | null;
        if (crd?.kind !== 'CustomResourceDefinition' || crd.spec.group !== group) continue;
        if (kinds.has(crd.spec.names.kind)) found.set(crd.spec.names.kind, doc.toString());
      }
    }
    for (const kind of kinds) {
      const yaml = found.get(kind);
      if (!yaml)
        throw new Error(`no CRD for ${group}/${kind} in ${source.module}@${source.version}/${source.folder}`);
      out.push({ name: `${group}/${kind}`, yaml });
    }
  }
  return out;
}
