/** The facts a result needs to be read later: machine, load, and the versions of what was measured. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface MachineFacts {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadAverage1m: number;
  readonly kernel: string;
  readonly node: string;
  readonly versions: Record<string, string>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return 'not installed';
  }
}

export function machineFacts(extra: Record<string, string> = {}): MachineFacts {
  let kernel = 'unknown';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {}
  const datapipe = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    kernel,
    node: process.version,
    versions: {
      datapipe: datapipe.version,
      '@platformatic/kafka': packageVersion('@platformatic/kafka'),
      pg: packageVersion('pg'),
      mongodb: packageVersion('mongodb'),
      '@aws-sdk/client-s3': packageVersion('@aws-sdk/client-s3'),
      ...extra,
    },
  };
}

export const REPO_ROOT = ROOT;
