import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName, editDistance } from './closest-name.ts';

describe('closestName', () => {
  it('measures edits by hand-counted examples', () => {
    assert.equal(editDistance('postgress', 'postgres'), 1); // one deletion
    assert.equal(editDistance('cuont', 'count'), 1); // one swap of neighbours
    assert.equal(editDistance('kitten', 'sitting'), 3); // the textbook case: k→s, e→i, +g
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests the close name and nothing for a far one', () => {
    const sinks = ['null', 'stdout', 'mongodb', 'postgres', 'http', 'sqlite', 'object-store', 'kafka'];
    assert.equal(closestName('postgress', sinks), 'postgres');
    assert.equal(closestName('Mongo-DB', sinks), 'mongodb');
    assert.equal(closestName('cuont', ['count', 'partitions', 'template']), 'count');
    assert.equal(closestName('elasticsearch', sinks), undefined);
  });
});
