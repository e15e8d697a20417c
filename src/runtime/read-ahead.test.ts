import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAheadBytes } from './read-ahead.ts';

const MiB = 1024 * 1024;
const one = (maxBytes: number) => ({ maxBytes, concurrency: 1 });

describe('readAheadBytes', () => {
  it('is three of the largest sink batch when the configured budget is larger', () => {
    // object-store default batch (4 MiB) next to the shared default (1 MiB): 3 × 4 MiB
    assert.equal(readAheadBytes(64 * MiB, [one(1 * MiB), one(4 * MiB)]), 12 * MiB);
  });

  it('counts every batch a sink writes at once, plus one filling and one spare', () => {
    // 4 batches of 4 MiB in flight + 2: 24 MiB, above the 3 MiB of the other sink
    assert.equal(readAheadBytes(64 * MiB, [one(1 * MiB), { maxBytes: 4 * MiB, concurrency: 4 }]), 24 * MiB);
    // the hungriest sink is the one with the most bytes in flight, not the largest batch: 6 × 1 MiB > 3 × 1.5 MiB
    assert.equal(readAheadBytes(64 * MiB, [one(1.5 * MiB), { maxBytes: 1 * MiB, concurrency: 4 }]), 6 * MiB);
  });

  it('is never below 4 MiB', () => {
    assert.equal(readAheadBytes(64 * MiB, [one(1 * MiB)]), 4 * MiB);
    assert.equal(readAheadBytes(64 * MiB, [one(64 * 1024)]), 4 * MiB);
    assert.equal(readAheadBytes(64 * MiB, []), 4 * MiB);
  });

  it('never exceeds the configured budget', () => {
    assert.equal(readAheadBytes(10 * MiB, [one(4 * MiB)]), 10 * MiB);
    assert.equal(readAheadBytes(1000, [one(4 * MiB)]), 1000);
    assert.equal(readAheadBytes(64 * MiB, [one(32 * MiB)]), 64 * MiB);
    assert.equal(readAheadBytes(16 * MiB, [{ maxBytes: 4 * MiB, concurrency: 4 }]), 16 * MiB);
  });
});
