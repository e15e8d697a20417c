import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import { checkJsonText } from './json-check.ts';

const isJsonText = (bytes: Uint8Array) => checkJsonText(bytes) >= 0;
const check = (text: string | Buffer) => isJsonText(typeof text === 'string' ? Buffer.from(text) : text);

/** V8's own parser, the reference the check must agree with (on valid UTF-8). */
function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

describe('checkJsonText (RFC 8259 grammar on the bytes)', () => {
  it('accepts JSON texts: any value at the top, whitespace around, every escape, numbers in all forms', () => {
    for (const text of [
      '{}',
      '[]',
      ' \t\r\n{ "a" : [ 1 , -0 , 0.5 , -1.25e+3 , 2E-2 , 10e5 ] }\n',
      '"plain"',
      '"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00 \\uABCD"',
      '"é € 😀"',
      'true',
      'false',
      'null',
      '0',
      '-7',
      '{"a":{"b":{"c":[[],[{}],{"d":null}]}},"e":true,"f":false}',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    ]) {
      assert.equal(check(text), true, text.slice(0, 60));
      assert.equal(parses(Buffer.from(text)), true, `JSON.parse agrees: ${text.slice(0, 60)}`);
    }
  });

  it('refuses what is not a JSON text', () => {
    for (const text of [
      '',
      ' ',
      '{',
      '{"a":}',
      '{"a" 1}',
      '{a:1}',
      '{"a":1,}',
      '[1,]',
      '[1 2]',
      '[1}',
      '{"a":1]',
      '01',
      '-',
      '1.',
      '.5',
      '1e',
      '1e+',
      '+1',
      '0x10',
      'NaN',
      'Infinity',
      'tru',
      'nul',
      'True',
      '"unterminated',
      '"tab\there"',
      '"bad \\x escape"',
      '"short \\u12"',
      '"not hex \\u12G4"',
      "'single'",
      '{} {}',
      '1 2',
      '\uFEFF{}',
      '[1]x',
    ]) {
      assert.equal(check(text), false, text);
      assert.equal(parses(Buffer.from(text)), false, `JSON.parse agrees: ${text}`);
    }
  });

  it('finds a special character at any place in a long string (strings are read four bytes at a time)', () => {
    const specials = [
      '"',
      '\\',
      '\u0000',
      '\u001f',
      '\n',
      ' ',
      '\u007f',
      'é',
      '€',
      '😀',
      '\\n',
      '\\u00e9',
      '\\x',
    ];
    for (const special of specials) {
      for (let at = 0; at < 12; at++) {
        const text = `{"k":"${'x'.repeat(at)}${special}${'y'.repeat(11 - at)}"}`;
        const bytes = Buffer.from(text);
        assert.equal(isJsonText(bytes), parses(bytes), JSON.stringify(text));
      }
    }
  });

  it('reads a value at any byte offset of a bigger buffer, never past its own ends (words of the buffer are read)', () => {
    // Hostile neighbours: a quote, a backslash and a control byte on both sides of every view.
    const hostile = Buffer.from([0x22, 0x5c, 0x00, 0x22, 0x5c, 0x00, 0x22, 0x5c]);
    for (const special of ['', '"', '\\', '\u0001', '\\n', 'é']) {
      for (let at = 0; at < 41; at += special === '' ? 41 : 1) {
        const text = `{"k":"${'x'.repeat(at)}${special}${'y'.repeat(40 - at)}"}`;
        const value = Buffer.from(text);
        for (let offset = 0; offset < 8; offset++) {
          for (const atEnd of [false, true]) {
            const chunk = new Uint8Array(offset + value.length + (atEnd ? 0 : hostile.length));
            chunk.set(hostile.subarray(0, offset), 0);
            chunk.set(value, offset);
            if (!atEnd) chunk.set(hostile, offset + value.length);
            const view = chunk.subarray(offset, offset + value.length);
            assert.equal(isJsonText(view), parses(value), `${JSON.stringify(text)} at offset ${offset}`);
          }
        }
      }
    }
    // a string cut short by the view's end, with its closing quote just past it in the buffer
    const whole = Buffer.from(`"${'x'.repeat(30)}"`);
    assert.equal(isJsonText(whole.subarray(0, whole.length - 1)), false);
  });

  it('finds a special character at any place of a long string, in each way strings are read', () => {
    // Values under 128 bytes and over 1 MiB are read as 32-bit words; those in between are copied to the
    // SIMD scanner, which reads 16-byte blocks from runs of 32 bytes on. Each length below puts the string
    // in one of these ways; the special character then lands in every lane of a block, in the run's
    // first and last blocks, and in the bytes after its last whole block.
    const lengths = [{ pad: 40 }, { pad: 200 }, { pad: 1_100_000 }];
    const specials = ['"', '\\', '\u0000', '\u001f', '\n', '\u007f', 'é', '\\n', '\\u00e9', '\\x'];
    for (const { pad } of lengths) {
      const head = `{"pad":"${'p'.repeat(pad)}","k":"`;
      const positions = [...Array.from({ length: 48 }, (_, k) => k), 60, 61, 62, 63, 64];
      for (const special of specials) {
        for (const at of positions) {
          const text = `${head}${'x'.repeat(at)}${special}${'y'.repeat(64 - at)}"}`;
          const bytes = Buffer.from(text);
          assert.equal(isJsonText(bytes), parses(bytes), `${JSON.stringify(special)} at ${at}, pad ${pad}`);
        }
      }
      // and a plain long string with nothing special is accepted in each way
      assert.equal(check(`${head}${'x'.repeat(100)}"}`), true, `pad ${pad}`);
    }
  });

  it('checks a value copied to the scanner by its own bytes, not by what a longer value left there', () => {
    // A long value with a quote at 150 is checked first; a shorter invalid one then must not pass
    // because the scanner's memory still holds the longer one's bytes past its end.
    assert.equal(check(`{"k":"${'x'.repeat(140)}"}`), true);
    const unterminated = `{"k":"${'x'.repeat(130)}`;
    assert.equal(check(unterminated), false);
    assert.equal(check(Buffer.from(`{"k":"${'x'.repeat(130)}\u0001${'x'.repeat(20)}"}`)), false);
    // a string's closing quote as the value's last byte, at every place of the scanner's last block,
    // after a longer value left plain bytes there
    for (let length = 130; length < 180; length++) {
      assert.equal(check(`"${'x'.repeat(300)}"`), true);
      assert.equal(check(`"${'x'.repeat(length - 2)}"`), true, `a string of ${length} bytes`);
    }
  });

  it('agrees with JSON.parse on many random and mutated texts (a differential check)', () => {
    const alphabet = [...'{}[],:"\\u019-+.eE \n\ttruefalsnxé/bF\u0001'];
    let seed = 16;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const doc = JSON.stringify({
      id: 1,
      s: 'x\n"é',
      v: [1.5, -0, 2e-3, true, false, null, {}, [], { a: [[]] }],
    });
    let compared = 0;
    for (let t = 0; t < 20_000; t++) {
      let text: string;
      if (t % 2 === 0) {
        text = '';
        for (let k = 1 + random(10); k > 0; k--) text += alphabet[random(alphabet.length)];
      } else {
        const chars = [...doc];
        chars.splice(
          random(chars.length),
          random(2),
          ...(random(2) ? [alphabet[random(alphabet.length)] as string] : []),
        );
        text = chars.join('');
      }
      const bytes = Buffer.from(text);
      if (!isUtf8(bytes)) continue;
      assert.equal(isJsonText(bytes), parses(bytes), JSON.stringify(text));
      compared++;
    }
    assert.ok(compared > 19_000);
  });

  it('counts the line feeds of a JSON text, which are all whitespace between tokens', () => {
    // counted by hand; an escaped `\n` inside a string is two bytes, `\` and `n`, not a line feed
    for (const [text, lineFeeds] of [
      ['{"a":1}', 0],
      ['"a\\nb"', 0],
      ['{"text":"line one\\nline two"}', 0],
      ['{\n  "a": 1,\n  "b": [\n    2\n  ]\n}', 5],
      ['\n\n[1]\n', 3],
      ['{"a":\r\n1}\r\n', 2],
      ['\r{"a":\r1}\r', 0],
      [`{"long":"${'x'.repeat(300)}",\n"b":1}`, 1],
    ] as const) {
      assert.equal(checkJsonText(Buffer.from(text)), lineFeeds, JSON.stringify(text));
    }
  });

  it('returns -1, not a count, when the bytes are not JSON (a raw line feed inside a string is not JSON)', () => {
    for (const text of ['{"a":"one\ntwo"}', '{\n"a":}', '[1,\n]\n', '\n']) {
      assert.equal(checkJsonText(Buffer.from(text)), -1, JSON.stringify(text));
    }
  });
});
