import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffTrees, formatDiff, workloadChanges } from './diff.ts';

test('diffTrees reports added, removed and changed files with unified hunks', () => {
  const a = new Map([
    ['kubernetes/bindings/x.yaml', 'a: 1\nb: 2\nc: 3\n'],
    ['provider/old.tf.json', '{}\n'],
    ['same', 'same\n'],
  ]);
  const b = new Map([
    ['kubernetes/bindings/x.yaml', 'a: 1\nb: 20\nc: 3\n'],
    ['provider/new.tf.json', '{}\n'],
    ['same', 'same\n'],
  ]);
  const diffs = diffTrees(a, b);
  assert.deepEqual(
    diffs.map((d) => [d.path, d.status]),
    [
      ['kubernetes/bindings/x.yaml', 'changed'],
      ['provider/new.tf.json', 'added'],
      ['provider/old.tf.json', 'removed'],
    ],
  );
  assert.equal(diffs[0]!.hunks, '@@ -1,4 +1,4 @@\n a: 1\n-b: 2\n+b: 20\n c: 3\n \n');
  assert.match(
    formatDiff(diffs, 'aws', 'gcp'),
    /^--- aws\/kubernetes\/bindings\/x\.yaml\n\+\+\+ gcp\/kubernetes\/bindings\/x\.yaml\n/,
  );
  assert.deepEqual(workloadChanges(diffs), []);
  assert.deepEqual(workloadChanges(diffTrees(new Map([['kubernetes/workloads/d.yaml', 'x']]), new Map())), [
    'kubernetes/workloads/d.yaml',
  ]);
});
