import assert from 'node:assert/strict';
import { it } from 'node:test';
import { heapLimitEnv } from './pipeline.ts';

it('caps the V8 old space at three quarters of the memory limit', () => {
  assert.equal(heapLimitEnv('512Mi').value, '--max-old-space-size=384');
  assert.equal(heapLimitEnv('2Gi').value, '--max-old-space-size=1536');
  assert.equal(heapLimitEnv('1G').value, '--max-old-space-size=715');
  assert.equal(heapLimitEnv('64Mi').value, '--max-old-space-size=64', 'never below 64 MiB');
});
