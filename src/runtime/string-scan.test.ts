import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringScanner } from './string-scan.ts';

describe('the SIMD string scanner', () => {
  // Node 24 on x64 and arm64 compiles wasm SIMD: a scanner missing here would silently fall back.
  const scanner = stringScanner;
  it('compiles on this machine', () => {
    assert.ok(scanner, 'WebAssembly SIMD is available');
  });

  it('stops at the 16-byte block that holds the first quote, backslash or control byte', () => {
    assert.ok(scanner);
    // A run of 64 'x' from 0; block starts are 0, 16, 32, 48. Worked by hand: a special byte at p stops
    // the scan at p - p % 16; with none, the scan passes 48..63 and stops at 64 (64 + 16 > 64).
    for (const special of [0x22, 0x5c, 0x00, 0x0a, 0x1f]) {
      for (let at = 0; at < 64; at++) {
        const bytes = scanner.bytes(64);
        bytes.fill(0x78, 0, 64);
        bytes[at] = special;
        assert.equal(scanner.scan(0, 64), at - (at % 16), `0x${special.toString(16)} at ${at}`);
      }
    }
  });

  it('passes bytes that stand for themselves: space, DEL, and the bytes of UTF-8 sequences', () => {
    assert.ok(scanner);
    for (const plain of [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xc3, 0xff]) {
      const bytes = scanner.bytes(64);
      bytes.fill(plain, 0, 64);
      assert.equal(scanner.scan(0, 64), 64, `0x${plain.toString(16)}`);
    }
  });

  it('never reads a block that reaches past the end it is given', () => {
    assert.ok(scanner);
    const bytes = scanner.bytes(64);
    bytes.fill(0x78, 0, 64);
    bytes[40] = 0x22; // past the end of the run 3..39
    // from 3: blocks 3..18 and 19..34 are read; 35 + 16 > 39, so it stops at 35 without reading byte 40
    assert.equal(scanner.scan(3, 39), 35);
    assert.equal(scanner.scan(3, 51), 35); // 35..50 holds byte 40
  });

  it('grows its memory for a longer value and keeps scanning it', () => {
    assert.ok(scanner);
    const length = 200_000; // more than the one 64 KiB page it starts with
    const bytes = scanner.bytes(length);
    assert.ok(bytes.length >= length);
    bytes.fill(0x78, 0, length);
    bytes[length - 10] = 0x5c;
    const at = length - 10;
    assert.equal(scanner.scan(0, length), at - (at % 16));
  });
});
