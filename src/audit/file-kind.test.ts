import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFile } from './file-kind.ts';
import { blankTemplateActions } from './objects/kubernetes-objects.ts';
import { matchPath } from './path-pattern.ts';

describe('classifyFile', () => {
  const k8s = 'apiVersion: v1\nkind: Service\n';
  const cases: [string, string, string | undefined][] = [
    ['app/Dockerfile', 'FROM x', 'dockerfile'],
    ['app/Dockerfile.prod', 'FROM x', 'dockerfile'],
    ['app/requirements-dev.txt', 'boto3', 'dependencies'],
    ['app/go.mod', 'module x', 'dependencies'],
    ['app/pom.xml', '<project/>', 'dependencies'],
    ['infra/main.tf', '', 'terraform'],
    ['infra/main.tf.json', '{}', 'terraform'],
    ['app/src/index.ts', '', 'source'],
    ['app/src/types.d.ts', '', undefined],
    ['app/main.py', '', 'source'],
    ['overlays/prod/kustomization.yaml', 'resources: []', 'kustomize'],
    ['chart/templates/svc.yaml', 'name: {{ .Release.Name }}', 'helm'],
    ['roles/iam/tasks/main.yml', '- name: x', 'ansible'],
    ['site.yml', '- hosts: all\n  roles: [x]', 'ansible'],
    ['k8s/ingress.yaml', `${k8s}spec:\n  tls:\n    - hosts: [a.example.com]\n`, 'kubernetes'],
    ['.github/workflows/ci.yml', 'on: push\njobs: {}', undefined],
    ['README.md', '# x', undefined],
  ];
  for (const [path, text, kind] of cases) {
    it(`${path} is ${kind ?? 'not audited'}`, () => assert.equal(classifyFile(path, text), kind));
  }
  it('reads any YAML of a chart as helm', () =>
    assert.equal(classifyFile('c/values.yaml', 'a: 1', true), 'helm'));
});

describe('blankTemplateActions', () => {
  it('blanks action-only lines and replaces inline actions, keeping line numbers', () => {
    const out = blankTemplateActions('a: {{ .Values.a }}\n{{- if .Values.b }}\nb: 1\n{{- end }}\n');
    assert.equal(out, 'a: TEMPLATED\n\nb: 1\n\n');
  });
});

describe('matchPath', () => {
  it('matches literal, * and ** segments', () => {
    assert.ok(matchPath(['spec', '*', 'x'], ['spec', '0', 'x']));
    assert.ok(
      matchPath(
        ['**', 'storageClassName'],
        ['spec', 'volumeClaimTemplates', '0', 'spec', 'storageClassName'],
      ),
    );
    assert.ok(matchPath(['a', '**'], ['a']));
    assert.ok(!matchPath(['a', '*'], ['a']));
    assert.ok(!matchPath(['a', 'b'], ['a', 'c']));
  });
});

describe('classifyFile for role variables', () => {
  it('reads role defaults and vars as ansible', () => {
    assert.equal(classifyFile('roles/iam/defaults/main.yml', 'aws_access_key: x'), 'ansible');
    assert.equal(classifyFile('roles/iam/vars/main.yml', 'aws_access_key: x'), 'ansible');
  });
});
