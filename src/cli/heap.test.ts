import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultHeapFlags, missingHeapFlags } from './heap.ts';

const MiB = 1024 * 1024;

describe('default heap of datapipe run', () => {
  it('old space 256 MiB + 4 × the budget, at least 2 GiB; semi-spaces budget / 4 within 4–16 MiB', () => {
    // the default budget, 64 MiB: max(2048, 256 + 256) = 2048; 64 / 4 = 16
    assert.deepEqual(defaultHeapFlags(64 * MiB), { oldSpaceMiB: 2048, semiSpaceMiB: 16 });
    // 32 MiB: 2048; 32 / 4 = 8
    assert.deepEqual(defaultHeapFlags(32 * MiB), { oldSpaceMiB: 2048, semiSpaceMiB: 8 });
    // 1 GiB: 256 + 4096 = 4352; 1024 / 4 = 256, capped at 16
    assert.deepEqual(defaultHeapFlags(1024 * MiB), { oldSpaceMiB: 4352, semiSpaceMiB: 16 });
    // 8 MiB: 2048; 8 / 4 = 2, raised to 4
    assert.deepEqual(defaultHeapFlags(8 * MiB), { oldSpaceMiB: 2048, semiSpaceMiB: 4 });
  });

  it('adds only the flags that Node flags or NODE_OPTIONS do not set (rendered Deployments set the old space)', () => {
    const budget = 64 * MiB;
    assert.deepEqual(missingHeapFlags(budget, [], undefined), [
      '--max-old-space-size=2048',
      '--max-semi-space-size=16',
    ]);
    assert.deepEqual(missingHeapFlags(budget, [], '--max-old-space-size=384'), ['--max-semi-space-size=16']);
    assert.deepEqual(missingHeapFlags(budget, ['--max-old-space-size=100'], undefined), [
      '--max-semi-space-size=16',
    ]);
    assert.deepEqual(
      missingHeapFlags(budget, ['--cpu-prof'], '--max-semi-space-size=4 --max-old-space-size=512'),
      [],
    );
    assert.deepEqual(missingHeapFlags(budget, [], '--enable-source-maps'), [
      '--max-old-space-size=2048',
      '--max-semi-space-size=16',
    ]);
  });
});
