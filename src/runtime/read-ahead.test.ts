import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAheadBytes } from './read-ahead.ts';

const MiB = 1024 * 1024;

describe('readAheadBytes', () => {
  it('is three of the largest sink batch when the configured budget is larger', () => {
    // object-store default batch (4 MiB) next to the shared default (1 MiB): 3 × 4 MiB
    assert.equal(readAheadBytes(64 * MiB, [1 * MiB, 4 * MiB]), 12 * MiB);
  });

  it('is never below 4 MiB', () => {
    assert.equal(readAheadBytes(64 * MiB, [1 * MiB]), 4 * MiB);
    assert.equal(readAheadBytes(64 * MiB, [64 * 1024]), 4 * MiB);
    assert.equal(readAheadBytes(64 * MiB, []), 4 * MiB);
  });

  it('never exceeds the configured budget', () => {
    assert.equal(readAheadBytes(10 * MiB, [4 * MiB]), 10 * MiB);
    assert.equal(readAheadBytes(1000, [4 * MiB]), 1000);
    assert.equal(readAheadBytes(64 * MiB, [32 * MiB]), 64 * MiB);
  });
});
