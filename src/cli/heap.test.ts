import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultHeapMiB, hasHeapLimit } from './heap.ts';

describe('default heap of datapipe run', () => {
  it('is 256 MiB plus four times the byte budget', () => {
    // the default budget, 64 MiB: 256 + 4 × 64 = 512
    assert.equal(defaultHeapMiB(64 * 1024 * 1024), 512);
    assert.equal(defaultHeapMiB(16 * 1024 * 1024), 320);
  });

  it('is left alone when Node flags or NODE_OPTIONS already cap the heap (rendered Deployments do)', () => {
    assert.equal(hasHeapLimit([], '--max-old-space-size=384'), true);
    assert.equal(hasHeapLimit(['--max-old-space-size=100'], undefined), true);
    assert.equal(hasHeapLimit(['--cpu-prof'], '--enable-source-maps'), false);
    assert.equal(hasHeapLimit([], undefined), false);
  });
});
