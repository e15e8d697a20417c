// Prints, per registered target, what the independent linters find in the render of examples/platform
// (before the allowlist): kube-score CRITICAL/WARNING, Checkov failed/passed (kubernetes, terraform_json).
// Usage: node scripts/platform-lint/counts.ts   (after bash scripts/platform-lint/install.sh)
import { join } from 'node:path';
import { checkov, kubeScore } from '../../test/support/platform-lint.ts';
import { renderAllTargets } from '../../test/support/platform-render.ts';

for (const { target, dir, manifests } of renderAllTargets()) {
  const ks = await kubeScore(manifests);
  const k8s = await checkov('kubernetes', manifests);
  const tf = await checkov('terraform_json', join(dir, 'provider'));
  const count = (s: string) => ks.findings.filter((f) => f.severity === s).length;
  console.log(
    `${target}: kube-score ${count('CRITICAL')} CRITICAL / ${count('WARNING')} WARNING; ` +
      `checkov kubernetes ${k8s.findings.length} failed / ${k8s.passed} passed; ` +
      `checkov terraform ${tf.findings.length} failed / ${tf.passed} passed`,
  );
  for (const f of [...ks.findings, ...k8s.findings, ...tf.findings])
    console.log(`  ${f.tool} ${f.check} ${f.severity} ${f.object}`);
}
