// kubectl against the test API server (scripts/services/kubernetes.sh), with its generated admin kubeconfig.
import { execFile } from 'node:child_process';
import { services } from './services.ts';

export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl; rejects with its stderr when it exits non-zero. `input` goes to its stdin. */
export function kubectl(args: readonly string[], input?: string): Promise<KubectlResult> {
  const { kubectl: bin, kubeconfig } = services.kubernetes;
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      [`--kubeconfig=${kubeconfig}`, '--request-timeout=30s', ...args],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KUBECTL_COLOR: 'false' } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolve({ stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
