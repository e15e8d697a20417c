/**
 * Decides what kind of file a path is, which decides the rules tried on it and how it is parsed.
 * By name first (cheap), then for YAML by a look at the content. `undefined`: not audited.
 */
import type { FileKind } from './model.ts';

const DEPENDENCY_MANIFESTS = new Set([
  'package.json',
  'pyproject.toml',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'Pipfile',
  'setup.py',
  'setup.cfg',
]);
const SOURCE_EXTENSIONS = /\.(?:[cm]?js|[cm]?ts|tsx|jsx|py|go|java|kt|cs)$/;
const SHELL_EXTENSIONS = /\.(?:sh|bash)$/;
const ANSIBLE_DIRS =
  /(?:^|\/)(?:roles\/[^/]+\/(?:tasks|handlers|defaults|vars)|playbooks|group_vars|host_vars)\//;

/** Whether a file name is worth reading at all (the walker calls this before reading). */
export function isCandidate(path: string): boolean {
  const name = baseName(path);
  return (
    name === 'Dockerfile' ||
    name === 'Containerfile' ||
    name.endsWith('.Dockerfile') ||
    name.startsWith('Dockerfile.') ||
    DEPENDENCY_MANIFESTS.has(name) ||
    /^requirements.*\.txt$/.test(name) ||
    /\.(?:tf|tfvars|hcl)$/.test(name) ||
    name.endsWith('.tf.json') ||
    /\.ya?ml$/.test(name) ||
    name.endsWith('.tpl') ||
    SHELL_EXTENSIONS.test(name) ||
    (SOURCE_EXTENSIONS.test(name) && !name.endsWith('.d.ts'))
  );
}

/** `inHelmChart`: the file is below a folder holding a Chart.yaml (the walker knows). */
export function classifyFile(path: string, text: string, inHelmChart = false): FileKind | undefined {
  const p = path.replaceAll('\\', '/');
  const name = baseName(p);
  if (
    name === 'Dockerfile' ||
    name === 'Containerfile' ||
    name.endsWith('.Dockerfile') ||
    name.startsWith('Dockerfile.')
  )
    return 'dockerfile';
  if (DEPENDENCY_MANIFESTS.has(name) || /^requirements.*\.txt$/.test(name)) return 'dependencies';
  if (/\.(?:tf|tfvars|hcl)$/.test(name) || name.endsWith('.tf.json')) return 'terraform';
  if (SOURCE_EXTENSIONS.test(name)) return name.endsWith('.d.ts') ? undefined : 'source';
  if (SHELL_EXTENSIONS.test(name)) return 'shell';
  if (/^kustomization\.ya?ml$/.test(name) || name === 'Kustomization') return 'kustomize';
  if (name.endsWith('.tpl')) return 'helm';
  if (!/\.ya?ml$/.test(name)) return undefined;
  if (inHelmChart || name === 'Chart.yaml' || (/(?:^|\/)templates\//.test(p) && text.includes('{{')))
    return 'helm';
  if (/^values.*\.ya?ml$/.test(name) && /(?:^|\/)charts?\//.test(p)) return 'helm';
  // A datapipe pipeline file: its drivers, endpoints and keys may tie the data path to a provider.
  if (/^name:\s*\S/m.test(text) && /^source:/m.test(text) && /^sinks:/m.test(text)) return 'pipeline';
  if (ANSIBLE_DIRS.test(p) || /^-\s+(?:hosts|import_playbook):/m.test(text)) return 'ansible';
  if (/^kind:\s*\S/m.test(text) && /^apiVersion:\s*\S/m.test(text)) return 'kubernetes';
  // Grafana provisioning: `apiVersion: 1` with data sources (https://grafana.com/docs/grafana/latest/administration/provisioning/).
  if (/^datasources:/m.test(text) && /^apiVersion:\s*1\s*$/m.test(text)) return 'grafana';
  return undefined;
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}
