import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { CRC32C } from '@google-cloud/storage';
import { objectStoreOptions } from '../options.ts';
import { gcsClientOptions } from './gcs.ts';
import { nativeCrc32cGenerator } from './gcs-crc32c.ts';

describe('gcs: native CRC32C', () => {
  const generator = nativeCrc32cGenerator();

  test('the native module loads on this platform, and the GCS client is given it', () => {
    assert.ok(generator, '@node-rs/crc32 has a binary for linux-x64');
    const o = gcsClientOptions(objectStoreOptions.parse({ driver: 'gcs', bucket: 'b' }));
    assert.equal(typeof o.crc32cGenerator, 'function');
    assert.equal(o.crc32cGenerator!().constructor, generator!().constructor);
  });

  test('the check value of CRC-32C ("123456789" → 0xE3069283), in GCS’s base64 form', () => {
    const crc = generator!();
    crc.update(Buffer.from('123456789'));
    assert.equal(crc.toString(), Buffer.from([0xe3, 0x06, 0x92, 0x83]).toString('base64'));
    assert.equal(crc.validate('4waSgw=='), true);
    assert.equal(crc.validate('AAAAAA=='), false);
  });

  test('agrees with the client’s own implementation, fed in pieces', () => {
    const data = randomBytes(300_000);
    const ours = generator!();
    const theirs = new CRC32C();
    for (const [from, to] of [
      [0, 1],
      [1, 65_537],
      [65_537, 65_537],
      [65_537, 300_000],
    ] as const) {
      ours.update(data.subarray(from, to));
      theirs.update(data.subarray(from, to));
    }
    assert.equal(ours.toString(), theirs.toString());
    assert.equal(ours.validate(theirs.toString()), true);
  });
});
