import assert from 'node:assert/strict';
import { it } from 'node:test';
import { byteSize, duration } from './units.ts';

it('parses byte sizes with and without units', () => {
  const s = byteSize();
  assert.equal(s.parse(1024), 1024);
  assert.equal(s.parse('64MiB'), 64 * 1024 * 1024);
  assert.equal(s.parse('512 kB'), 512_000);
  assert.equal(s.safeParse('lots').success, false);
  assert.equal(s.safeParse(-1).success, false);
});

it('parses durations with and without units', () => {
  const d = duration();
  assert.equal(d.parse(250), 250);
  assert.equal(d.parse('250ms'), 250);
  assert.equal(d.parse('5s'), 5000);
  assert.equal(d.parse('2m'), 120_000);
  assert.equal(d.safeParse('soon').success, false);
});
