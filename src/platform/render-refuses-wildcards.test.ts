/**
 * `render` refuses to write a platform whose generated policies use a wildcard: a target that emitted
 * `s3:*` (IAM) or a ClusterRole with verbs `*` stops the render with DP_PLATFORM_POLICY_WILDCARD naming
 * the statement, instead of writing the files. The targets themselves never do this (render.test.ts); the
 * faults are injected by wrapping the real AWS target's workload-authorization step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pipelinePlugins, platformTargets } from '../cli/plugins.ts';
import { EXAMPLE } from './example.test-support.ts';
import { loadPlatformFile } from './load.ts';
import { PolicyWildcardError, renderPlatform } from './render.ts';
import { awsTarget } from './targets/aws/render.ts';

type Step = typeof awsTarget.workloadAuthorization;

test('render refuses a wildcard IAM action and a wildcard RBAC verb, naming each', (t) => {
  const real: Step = awsTarget.workloadAuthorization.bind(awsTarget);
  t.mock.method(awsTarget, 'workloadAuthorization', ((input) => {
    const out = real(input);
    input.tf.data('aws_iam_policy_document', 'injected', {
      statement: [{ actions: ['s3:*'], resources: ['arn:aws:s3:::orders-archive'] }],
    });
    return {
      ...out,
      objects: [
        ...out.objects,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'injected' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }],
        },
      ],
    };
  }) as Step);
  const loaded = loadPlatformFile(EXAMPLE, pipelinePlugins, platformTargets, {});
  assert.throws(
    () => renderPlatform(loaded, 'aws', platformTargets),
    (err: unknown) => {
      assert.ok(err instanceof PolicyWildcardError);
      assert.equal(err.code, 'DP_PLATFORM_POLICY_WILDCARD');
      assert.match(err.message, /aws_iam_policy_document\.injected\.statement\[0\]: wildcard action "s3:\*"/);
      assert.match(err.message, /ClusterRole.*injected/);
      return true;
    },
  );
  t.mock.restoreAll();
  assert.ok(renderPlatform(loaded, 'aws', platformTargets).files.size > 0, 'the unmodified target renders');
});
