/**
 * The RUNBOOK of every registered target agrees with the rest of its output:
 * - every Terraform variable has a default, or the RUNBOOK names it (`-var NAME=...` or `NAME`) on a
 *   line that says where its value comes from;
 * - every `tofu output NAME` it names is an output of provider/;
 * - every script or Dockerfile it tells the user to run or build is in the rendered output;
 * - every Secret it tells the user to create is referenced by a rendered object in its namespace.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { K8sObject } from '../../src/platform/k8s/object.ts';
import { renderAllTargets } from '../support/platform-render.ts';
import { filesToRun, secretsToCreate, tofuOutputs } from '../support/runbook-parse.ts';

/** Secret names an object refers to, wherever Kubernetes and the CRDs in use put them. */
function secretRefs(value: unknown, key = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => secretRefs(v, key));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const here: string[] = [];
    if ((key === 'secretRef' || key === 'secretKeyRef' || key === 'users') && typeof o['name'] === 'string')
      here.push(o['name']);
    if (key === 'certificateRefs' && typeof o['name'] === 'string') here.push(o['name']);
    if (typeof o['secretName'] === 'string') here.push(o['secretName']);
    return [...here, ...Object.entries(o).flatMap(([k, v]) => secretRefs(v, k))];
  }
  return [];
}

/** Secrets the RUNBOOK tells the user to create with `kubectl create secret ... NAME -n NS`, anywhere. */
function createdByCommand(runbook: string): { name: string; namespace: string }[] {
  return [...runbook.matchAll(/kubectl create secret \S+ ([a-z0-9-]+) -n ([a-z0-9-]+)/g)].map((m) => ({
    name: m[1]!,
    namespace: m[2]!,
  }));
}

describe('RUNBOOK consistent with the rendered output', () => {
  for (const { target, result, dir } of renderAllTargets()) {
    test(target, () => {
      const runbook = readFileSync(join(dir, 'RUNBOOK.md'), 'utf8');
      const docs = [...result.terraform.values()];

      for (const d of docs) {
        for (const [name, v] of Object.entries(d.variable ?? {})) {
          if ('default' in v) continue;
          const line = runbook
            .split('\n')
            .find((l) => l.includes(`\`${name}\``) || l.includes(`-var ${name}=`));
          assert.ok(line, `variable ${name} has no default and the RUNBOOK does not name it`);
          assert.match(
            line,
            /\bfrom\b/,
            `the RUNBOOK names variable ${name} without saying where its value comes from`,
          );
        }
      }

      const outputs = new Set(docs.flatMap((d) => Object.keys(d.output ?? {})));
      for (const name of tofuOutputs(runbook))
        assert.ok(outputs.has(name), `tofu output ${name} is not an output`);

      for (const file of filesToRun(runbook))
        assert.ok(result.files.has(file), `${file} is not in the rendered output`);
      for (const m of runbook.matchAll(/`([\w./-]+\/Dockerfile)`/g))
        assert.ok(result.files.has(m[1]!), `${m[1]} is not in the rendered output`);

      const objects: K8sObject[] = [...result.applied, ...result.bindings];
      const referenced = new Set(
        objects.flatMap((o) => secretRefs(o).map((name) => `${o.metadata.namespace ?? ''}/${name}`)),
      );
      const named = [...secretsToCreate(runbook), ...createdByCommand(runbook)];
      assert.ok(named.length > 0, 'the RUNBOOK names no Secret');
      for (const s of named)
        assert.ok(
          referenced.has(`${s.namespace}/${s.name}`),
          `Secret ${s.namespace}/${s.name} is used by nothing rendered`,
        );
    });
  }
});
