/**
 * Whether UTF-8 bytes are one JSON text (RFC 8259, section 2: one value with optional whitespace around it),
 * checked on the bytes without decoding them to a string or building any value (decision 0081), and how
 * many line feeds it holds: a sink writing JSON Lines can then write the bytes as one line without
 * looking for line feeds again (a string cannot hold a raw one, so each is whitespace between tokens,
 * decision 0091). It accepts exactly what `JSON.parse` accepts once the bytes are valid UTF-8, which the
 * caller checks first (`isUtf8`): bytes of 0x80 and above are then only ever parts of characters inside
 * strings, where the grammar allows any character but `"`, `\` and control characters below U+0020.
 *
 * Iterative, with an explicit stack of open containers, so nesting depth is bounded by memory, as in V8's
 * own parser, not by the call stack.
 */
import { type StringScanner, stringScanner } from './string-scan.ts';

/** -1 when the bytes are not one JSON text; else how many line feeds (0x0A) the text holds. */
export function checkJsonText(bytes: Uint8Array): number {
  const n = bytes.length;
  lineFeeds = 0;
  scanning = n >= SCAN_FROM && n <= SCAN_UP_TO ? stringScanner : undefined;
  scanning?.bytes(n).set(bytes);
  // One byte per open container: OBJECT or ARRAY. Shared by all calls (they never overlap), grown when needed.
  let stack = containers;
  let depth = 0;
  let i = skipSpace(bytes, 0, n);
  // Parse a value at i; after it, continue with whatever the enclosing container expects.
  value: for (;;) {
    if (i >= n) return NOT_JSON;
    let c = bytes[i] as number;
    if (c === OPEN_BRACE) {
      i = skipSpace(bytes, i + 1, n);
      if (i < n && bytes[i] === CLOSE_BRACE) {
        i++;
      } else {
        if (depth === stack.length) stack = containers = grow(stack);
        stack[depth++] = OBJECT;
        i = member(bytes, i, n);
        if (i < 0) return NOT_JSON;
        continue;
      }
    } else if (c === OPEN_BRACKET) {
      i = skipSpace(bytes, i + 1, n);
      if (i < n && bytes[i] === CLOSE_BRACKET) {
        i++;
      } else {
        if (depth === stack.length) stack = containers = grow(stack);
        stack[depth++] = ARRAY;
        continue;
      }
    } else if (c === QUOTE) {
      i = string(bytes, i + 1, n);
      if (i < 0) return NOT_JSON;
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      i = number(bytes, i, n);
      if (i < 0) return NOT_JSON;
    } else if (c === LOWER_T) {
      if (!literal(bytes, i, n, TRUE)) return NOT_JSON;
      i += 4;
    } else if (c === LOWER_F) {
      if (!literal(bytes, i, n, FALSE)) return NOT_JSON;
      i += 5;
    } else if (c === LOWER_N) {
      if (!literal(bytes, i, n, NULL)) return NOT_JSON;
      i += 4;
    } else {
      return NOT_JSON;
    }
    // A value ended at i: close the containers it ends, or go on to the next element or member.
    for (;;) {
      i = skipSpace(bytes, i, n);
      if (depth === 0) return i === n ? lineFeeds : NOT_JSON;
      if (i >= n) return NOT_JSON;
      c = bytes[i] as number;
      if (c === COMMA) {
        i = skipSpace(bytes, i + 1, n);
        if (stack[depth - 1] === OBJECT) {
          i = member(bytes, i, n);
          if (i < 0) return NOT_JSON;
        }
        continue value;
      }
      if (c !== (stack[depth - 1] === OBJECT ? CLOSE_BRACE : CLOSE_BRACKET)) return NOT_JSON;
      depth--;
      i++;
    }
  }
}

/** A member's name and colon, starting at i; returns where its value starts (after spaces), or -1. */
function member(bytes: Uint8Array, i: number, n: number): number {
  if (i >= n || bytes[i] !== QUOTE) return -1;
  i = string(bytes, i + 1, n);
  if (i < 0) return -1;
  i = skipSpace(bytes, i, n);
  if (i >= n || bytes[i] !== COLON) return -1;
  return skipSpace(bytes, i + 1, n);
}

/** A string's body, from just after its opening quote; returns the index after the closing quote, or -1. */
function string(bytes: Uint8Array, i: number, n: number): number {
  for (;;) {
    i = plainRun(bytes, i, n);
    if (i >= n) return -1;
    const c = bytes[i++] as number;
    if (c === QUOTE) return i;
    if (c < 0x20) return -1;
    // a backslash
    if (i >= n) return -1;
    const e = bytes[i++] as number;
    if (e === LOWER_U) {
      if (i + 4 > n) return -1;
      for (let k = 0; k < 4; k++) if (!isHex(bytes[i++] as number)) return -1;
    } else if (ESCAPES[e] !== 1) {
      return -1;
    }
  }
}

/**
 * Skips the run of plain string characters from i: returns the index of the first `"`, `\` or control
 * character, or n. Most of a record's bytes are in such runs, so they are read 16 at a time by the SIMD
 * scanner when the value is in its memory. Otherwise they are read four at a time as aligned 32-bit words
 * of the underlying buffer (one load instead of four; a value is a view at any offset of a socket chunk,
 * so the run's first and last bytes up to a word boundary are read one by one). The tests ask "is any
 * byte of the word special", which holds in either byte order.
 */
function plainRun(bytes: Uint8Array, i: number, n: number): number {
  if (scanning !== undefined && n - i >= SCAN_RUN_FROM) {
    // The scanner's copy of the value has the same indexes. It stops at the block holding the run's end,
    // or where fewer than 16 bytes of the value are left; the bytes from there are read one by one.
    i = scanning.scan(i, n);
    while (i < n && PLAIN[bytes[i] as number] === 1) i++;
    return i;
  }
  const base = bytes.byteOffset;
  // one by one up to the first word boundary
  while (i < n && ((base + i) & 3) !== 0) {
    if (PLAIN[bytes[i] as number] !== 1) return i;
    i++;
  }
  if (n - i >= 8) {
    const words = wordsOf(bytes.buffer);
    let w = (base + i) >>> 2;
    const last = ((base + n) >>> 2) - 1; // the last word wholly inside the value
    while (w <= last) {
      const x = words[w] as number;
      if ((hasZeroByte(x ^ 0x22222222) | hasZeroByte(x ^ 0x5c5c5c5c) | hasByteBelow20(x)) !== 0) break;
      w++;
    }
    i = (w << 2) - base;
  }
  while (i < n && PLAIN[bytes[i] as number] === 1) i++;
  return i;
}

/**
 * Values from 128 bytes up to 1 MiB are copied once into the SIMD scanner's memory (string-scan.ts), and
 * a run that starts 32 bytes or more before the value's end is skipped there (a run's length is only
 * known once it is read): below these, the copy and the call cost more than they save
 * (decision 0090). Larger values are read as words here, so the scanner never holds more than 1 MiB.
 */
const SCAN_FROM = 128;
const SCAN_UP_TO = 1024 * 1024;
const SCAN_RUN_FROM = 32;
const NOT_JSON = -1;
let containers: Uint8Array<ArrayBuffer> = new Uint8Array(32);
/** Line feeds seen by `skipSpace` in the current call. */
let lineFeeds = 0;
/** The scanner, while the value being checked is in its memory. */
let scanning: StringScanner | undefined;

let lastBuffer: ArrayBufferLike | undefined;
let lastWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * A 32-bit view of a whole buffer; the values of one socket chunk share it, so it is built once per chunk.
 * It keeps the last buffer checked reachable until a value of another buffer is checked.
 */
function wordsOf(buffer: ArrayBufferLike): Uint32Array<ArrayBufferLike> {
  if (buffer !== lastBuffer) {
    lastWords = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    lastBuffer = buffer;
  }
  return lastWords;
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` from i; returns the index after it, or -1. */
function number(bytes: Uint8Array, i: number, n: number): number {
  if (bytes[i] === MINUS) i++;
  if (i >= n) return -1;
  if (bytes[i] === DIGIT_0) {
    i++;
  } else {
    const start = i;
    i = digits(bytes, i, n);
    if (i === start) return -1;
  }
  if (i < n && bytes[i] === DOT) {
    const start = ++i;
    i = digits(bytes, i, n);
    if (i === start) return -1;
  }
  if (i < n && (bytes[i] === LOWER_E || bytes[i] === UPPER_E)) {
    i++;
    if (i < n && (bytes[i] === PLUS || bytes[i] === MINUS)) i++;
    const start = i;
    i = digits(bytes, i, n);
    if (i === start) return -1;
  }
  return i;
}

function digits(bytes: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = bytes[i] as number;
    if (c < DIGIT_0 || c > DIGIT_9) break;
    i++;
  }
  return i;
}

function literal(bytes: Uint8Array, i: number, n: number, word: readonly number[]): boolean {
  if (i + word.length > n) return false;
  for (let k = 1; k < word.length; k++) if (bytes[i + k] !== word[k]) return false;
  return true;
}

function skipSpace(bytes: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = bytes[i];
    if (c === 0x0a) lineFeeds++;
    else if (c !== 0x20 && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Non-zero when one of the four bytes of w is zero (the classic test, exact for "is any"). */
function hasZeroByte(w: number): number {
  return (w - 0x01010101) & ~w & 0x80808080;
}

/** Non-zero when one of the four bytes of w is below 0x20. */
function hasByteBelow20(w: number): number {
  return (w - 0x20202020) & ~w & 0x80808080;
}

function isHex(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

function grow(stack: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(stack.length * 2);
  bigger.set(stack);
  return bigger;
}

const OBJECT = 1;
const ARRAY = 2;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_U = 0x75;
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];
/** The one-letter escapes of RFC 8259 section 7: `"` `\` `/` b f n r t. */
const ESCAPES = new Uint8Array(128);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;
/** Bytes that stand for themselves inside a string: all but `"`, `\` and control characters. */
const PLAIN = new Uint8Array(256).fill(1, 0x20);
PLAIN[QUOTE] = 0;
PLAIN[BACKSLASH] = 0;
