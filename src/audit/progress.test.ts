import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressReporter } from './progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progressReporter', () => {
  it('says nothing when stderr is not a terminal', () => {
    assert.equal(progressReporter(fakeStream(false).stream), undefined);
  });

  it('draws one line on a terminal and clears it at the end', () => {
    const { stream, writes } = fakeStream(true);
    let clock = 1000;
    const report = progressReporter(stream, () => clock)!;
    report(0, 10);
    clock += 50;
    report(1, 10); // 50 ms after the last draw: skipped
    clock += 100;
    report(2, 10);
    report(10, 10);
    assert.deepEqual(writes, [
      '\r\u001b[2Kauditing: 0/10 files',
      '\r\u001b[2Kauditing: 2/10 files',
      '\r\u001b[2K',
    ]);
  });
});
