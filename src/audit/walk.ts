/**
 * Lists the files an audit reads below the given paths, in a stable order, skipping folders that
 * hold someone else's code (node_modules, vendor, .terraform...) and noting which files sit inside
 * a Helm chart (a folder with a Chart.yaml), since those are read as templates.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';

import { isCandidate } from './file-kind.ts';

const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.terraform',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  'target',
  '.datapipe',
]);

export interface AuditedFile {
  /** As the user would write it: the given path joined with the path below it, `/`-separated. */
  readonly path: string;
  readonly inHelmChart: boolean;
}

class AuditPathError extends Error {
  readonly code = 'DP_AUDIT_PATH';
}

export function listAuditFiles(roots: readonly string[]): AuditedFile[] {
  const files: AuditedFile[] = [];
  for (const root of roots) {
    if (!existsSync(root)) throw new AuditPathError(`${root}: no such file or directory`);
    const clean = root.replaceAll('\\', '/').replace(/\/+$/, '') || '/';
    if (statSync(root).isFile()) files.push({ path: clean, inHelmChart: false });
    else walkDir(clean, false, files);
  }
  return files;
}

function walkDir(dir: string, inHelmChart: boolean, out: AuditedFile[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const chart = inHelmChart || entries.some((e) => e.isFile() && e.name === 'Chart.yaml');
  for (const entry of entries) {
    const path = dir === '.' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walkDir(path, chart, out);
    } else if (entry.isFile() && isCandidate(entry.name)) {
      out.push({ path, inHelmChart: chart });
    }
  }
}
