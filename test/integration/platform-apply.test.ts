/**
 * Every registered target's render of examples/platform, applied to a real kube-apiserver
 * (scripts/services/kubernetes.sh) by following its RUNBOOK's "Order" on a cluster where the
 * platform's namespaces do not exist yet: the CRDs the output uses (from the projects' Go modules),
 * the namespaces, what `provider/` writes into the cluster (its kubernetes_* resources), the Secrets
 * the RUNBOOK lists, then the rest with server-side apply. Every step must succeed without a single
 * warning (Pod Security warnings included), and the RUNBOOK must give exactly this order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { K8sObject } from '../../src/platform/k8s/object.ts';
import type { TerraformDoc } from '../../src/platform/terraform.ts';
import { kubectl } from '../support/kubectl.ts';
import { crdsFor } from '../support/platform-crds.ts';
import { renderAllTargets } from '../support/platform-render.ts';
import { orderSteps, type Phase, secretsToCreate } from '../support/runbook-parse.ts';
import { selfSignedCertificate } from '../support/tls.ts';

/** The only order that works on a fresh cluster (the defect: namespaces came after Secrets). */
const REQUIRED_ORDER: Phase[] = ['crds', 'namespaces', 'provider', 'secrets', 'rest'];

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'GatewayClass',
]);
const POD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);

function noWarnings(step: string, stderr: string): void {
  assert.equal(stderr.trim(), '', `${step} printed warnings`);
}

/** Secrets `provider/` writes with the Terraform kubernetes provider, as the objects it would create. */
function providerSecrets(terraform: ReadonlyMap<string, TerraformDoc>): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of terraform.values()) {
    const resources =
      (doc as { resource?: Record<string, Record<string, Record<string, unknown>>> }).resource ?? {};
    for (const [type, byName] of Object.entries(resources)) {
      if (!type.startsWith('kubernetes_')) continue;
      assert.equal(type, 'kubernetes_secret_v1', `provider/ writes ${type}: teach this test how to apply it`);
      for (const body of Object.values(byName)) {
        const meta = (body['metadata'] as { name: string; namespace: string }[])[0]!;
        const keys = Object.keys((body['data'] as Record<string, string>) ?? {});
        out.push({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: meta.name, namespace: meta.namespace },
          stringData: Object.fromEntries(keys.map((k) => [k, 'provider-value'])),
        } as K8sObject);
      }
    }
  }
  return out;
}

/** Back to a cluster without the platform: namespaces removed (finalized at once: there is no namespace controller). */
async function forget(objects: readonly K8sObject[]): Promise<void> {
  for (const o of objects.filter((x) => CLUSTER_SCOPED.has(x.kind))) {
    try {
      await kubectl(['delete', o.kind.toLowerCase(), o.metadata.name, '--ignore-not-found', '--wait=false']);
    } catch (err) {
      // A custom kind whose CRD is not installed yet has nothing to delete.
      if (!/doesn't have a resource type/.test(String(err))) throw err;
      continue;
    }
    if (o.kind !== 'Namespace') continue;
    const { stdout } = await kubectl([
      'get',
      'namespace',
      o.metadata.name,
      '--ignore-not-found',
      '-o',
      'json',
    ]);
    if (stdout.trim() === '') continue;
    const ns = JSON.parse(stdout) as { spec: { finalizers?: string[] } };
    ns.spec.finalizers = [];
    await kubectl(
      ['replace', '--raw', `/api/v1/namespaces/${o.metadata.name}/finalize`, '-f', '-'],
      JSON.stringify(ns),
    );
  }
}

/** A self-signed pair for the TLS Secrets (the API server warns about a certificate that is not PEM). */
const tlsPair = selfSignedCertificate(mkdtempSync(join(tmpdir(), 'apply-tls-')), 'tls', 'apply-test');

describe('rendered platforms applied to a real API server, in the RUNBOOK order', () => {
  for (const rendered of renderAllTargets()) {
    const { target, result, dir } = rendered;
    test(target, { timeout: 300_000 }, async () => {
      const runbook = readFileSync(join(dir, 'RUNBOOK.md'), 'utf8');
      const steps = orderSteps(runbook);
      assert.deepEqual(
        steps.map((s) => s.phase),
        REQUIRED_ORDER,
        'the RUNBOOK order differs from the order applied here',
      );
      const all = [...result.applied, ...result.bindings];
      await forget(all);
      const rendered_ns = new Set(all.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
      const fromProvider = providerSecrets(result.terraform);
      const applied: Phase[] = [];

      for (const step of steps) {
        applied.push(step.phase);
        if (step.phase === 'crds') {
          // Step 1 also installs the controllers, whose charts create their own namespaces (longhorn-system, metallb-system).
          const crds = crdsFor(all);
          const out = await kubectl(
            ['apply', '--server-side', '-f', '-'],
            crds.map((c) => `---\n${c.yaml}`).join('\n'),
          );
          noWarnings('CRDs', out.stderr);
          const names = /customresourcedefinition\.apiextensions\.k8s\.io\/(\S+)/g;
          for (const m of out.stdout.matchAll(names))
            await kubectl(['wait', '--for=condition=Established', `crd/${m[1]}`, '--timeout=60s']);
          // The namespaces the output uses but does not render belong to those controllers' charts.
          const used = [...all, ...fromProvider]
            .map((o) => o.metadata.namespace)
            .filter((n) => n !== undefined);
          for (const ns of new Set(used)) {
            if (rendered_ns.has(ns) || ns === 'kube-system' || ns === 'default') continue;
            await kubectl(['create', 'namespace', ns, '--dry-run=client', '-o', 'yaml']).then((r) =>
              kubectl(['apply', '--server-side', '-f', '-'], r.stdout),
            );
          }
        } else if (step.phase === 'provider') {
          if (fromProvider.length === 0) continue;
          const yaml = fromProvider.map((s) => `---\n${JSON.stringify(s)}`).join('\n');
          noWarnings(
            'provider/ Secrets',
            (await kubectl(['apply', '--server-side', '-f', '-'], yaml)).stderr,
          );
        } else if (step.phase === 'secrets') {
          for (const s of secretsToCreate(runbook)) {
            const args = s.tls
              ? ['create', 'secret', 'tls', s.name, `--cert=${tlsPair.cert}`, `--key=${tlsPair.key}`]
              : [
                  'create',
                  'secret',
                  'generic',
                  s.name,
                  ...s.keys.map((k) => `--from-literal=${k}=test-value`),
                ];
            args.push('-n', s.namespace, '--dry-run=client', '-o', 'yaml');
            const manifest = (await kubectl(args)).stdout;
            noWarnings(
              `Secret ${s.name}`,
              (await kubectl(['apply', '--server-side', '-f', '-'], manifest)).stderr,
            );
          }
        } else {
          assert.ok(step.kubectl, `step "${step.text}" names no kubectl command`);
          const args = step.kubectl.split(/\s+/).slice(1);
          const out = await kubectl(args.map((a) => (a.startsWith('kubernetes/') ? join(dir, a) : a)));
          noWarnings(step.text, out.stderr);
        }
      }
      assert.deepEqual(applied, REQUIRED_ORDER);

      // Every namespace in which the platform runs pods enforces Pod Security `restricted`.
      for (const ns of new Set(all.filter((o) => POD_KINDS.has(o.kind)).map((o) => o.metadata.namespace!))) {
        const { stdout } = await kubectl(['get', 'namespace', ns, '-o', 'json']);
        const labels =
          (JSON.parse(stdout) as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
        if (ns === 'kube-system') continue; // the etcd backup's documented exception (host network, root)
        assert.equal(labels['pod-security.kubernetes.io/enforce'], 'restricted', `namespace ${ns}`);
      }
      // The server holds every rendered object.
      for (const o of all) {
        const args = [
          'get',
          `${o.kind.toLowerCase()}.${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : ''}`,
        ];
        args[1] = args[1]!.replace(/\.$/, '');
        args.push(o.metadata.name, '-o', 'name');
        if (o.metadata.namespace) args.push('-n', o.metadata.namespace);
        assert.notEqual(
          (await kubectl(args)).stdout.trim(),
          '',
          `${o.kind}/${o.metadata.name} is on the server`,
        );
      }
    });
  }
});
