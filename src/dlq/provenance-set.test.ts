import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProvenanceSet } from './provenance-set.ts';

describe('ProvenanceSet', () => {
  it('tells a new position from one already seen, in any order', () => {
    const s = new ProvenanceSet();
    const order = [5, 3, 4, 10, 4, 6, 2, 9, 8, 7, 1, 5, 10, 0];
    const fresh = order.map((o) => s.add('t', 0, o));
    // By hand: 4 (2nd), 5 (2nd) and 10 (2nd) are the repeats.
    assert.deepEqual(fresh, [
      true,
      true,
      true,
      true,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
    assert.equal(s.size, 11);
    for (let o = 0; o <= 10; o++) assert.equal(s.add('t', 0, o), false, `offset ${o} is known`);
    assert.equal(s.add('t', 0, 11), true);
  });

  it('keeps partitions and topics apart', () => {
    const s = new ProvenanceSet();
    assert.equal(s.add('t', 0, 1), true);
    assert.equal(s.add('t', 1, 1), true);
    assert.equal(s.add('u', 0, 1), true);
    assert.equal(s.add('t', 0, 1), false);
    assert.equal(s.size, 3);
  });

  it('agrees with a plain Set on random positions', () => {
    const s = new ProvenanceSet();
    const plain = new Set<number>();
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const o = seed % 800;
      assert.equal(s.add('t', 0, o), !plain.has(o));
      plain.add(o);
    }
    assert.equal(s.size, plain.size);
  });
});
