/**
 * The inner loop of the JSON check (json-check.ts) in WebAssembly SIMD: skipping a run of plain string
 * bytes 16 at a time instead of 4 (decision 0090). A 1 KiB record is checked in about half the time,
 * and most of a record's bytes are such runs.
 *
 * The module is about 150 bytes, assembled below instruction by instruction (there is no library for
 * it, and a build step for one function would cost more than it saves). It exports its memory, which the
 * caller fills with the value's bytes (one memcpy), and one function:
 *
 *   scan(start, end): the start of the first 16-byte block from `start` that holds a `"`, a `\` or a byte
 *   below 0x20, or the first start with fewer than 16 bytes left before `end`. The caller finishes byte
 *   by byte from there.
 *
 * Undefined when this V8 cannot compile wasm SIMD (it needs SSE4.1 on x64): the check then reads 32-bit
 * words in JavaScript, as before.
 */

export interface StringScanner {
  /** See the module comment. */
  readonly scan: (start: number, end: number) => number;
  /** Bytes from 0 on; at least `length` long. Valid until the next call (it may grow the memory). */
  bytes(length: number): Uint8Array;
}

/** The part of the WebAssembly global used here (its types come with TypeScript's DOM library, not Node's). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
};

const PAGE = 65536;
const I32 = 0x7f;
const V128 = 0x7b;

/** Unsigned LEB128, as every count and index of the binary format is written. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const section = (id: number, content: number[]): number[] => [id, ...leb(content.length), ...content];
const name = (s: string): number[] => [...leb(s.length), ...Buffer.from(s, 'latin1')];
/** v128.const with the byte `b` in all 16 lanes. */
const splat = (b: number): number[] => [0xfd, 0x0c, ...new Array<number>(16).fill(b)];

// Locals: 0 = start, 1 = end (the parameters), 2 = the block just loaded (v128).
const BODY = [
  ...[0x01, 0x01, V128], // one local of type v128
  ...[0x02, 0x40], // block $done
  ...[0x03, 0x40], //   loop $next
  ...[0x20, 0x00, 0x41, 0x10, 0x6a, 0x20, 0x01, 0x4b, 0x0d, 0x01], // br_if $done (start + 16 > end, unsigned)
  ...[0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x22, 0x02], // local 2 = v128.load(start), kept on the stack
  ...splat(0x22), // '"'
  ...[0xfd, 0x23], // i8x16.eq
  ...[0x20, 0x02, ...splat(0x5c), 0xfd, 0x23], // local 2 == '\'
  ...[0xfd, 0x50], // v128.or
  ...[0x20, 0x02, ...splat(0x20), 0xfd, 0x26], // local 2 < 0x20 (i8x16.lt_u: bytes of 0x80 and up are not)
  ...[0xfd, 0x50], // v128.or
  ...[0xfd, 0x53, 0x0d, 0x01], // br_if $done (v128.any_true)
  ...[0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00], // start += 16
  ...[0x0c, 0x00], // br $next
  ...[0x0b, 0x0b], //   end loop; end block
  ...[0x20, 0x00, 0x0b], // return start
];

const MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, [0x01, 0x60, 0x02, I32, I32, 0x01, I32]), // types: (i32, i32) -> i32
  ...section(3, [0x01, 0x00]), // functions: one, of type 0
  ...section(5, [0x01, 0x00, 0x01]), // memory: one, at least 1 page, no maximum
  ...section(7, [0x02, ...name('scan'), 0x00, 0x00, ...name('memory'), 0x02, 0x00]), // exports
  ...section(10, [0x01, ...leb(BODY.length), ...BODY]), // code
]);

function instantiate(): StringScanner | undefined {
  let instance: { readonly exports: Record<string, unknown> };
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE));
  } catch {
    return undefined;
  }
  const memory = instance.exports['memory'] as WasmMemory;
  let view = new Uint8Array(memory.buffer);
  return {
    scan: instance.exports['scan'] as (start: number, end: number) => number,
    bytes(length: number): Uint8Array {
      if (view.length < length) {
        memory.grow(Math.ceil((length - view.length) / PAGE));
        view = new Uint8Array(memory.buffer);
      }
      return view;
    },
  };
}

export const stringScanner: StringScanner | undefined = instantiate();
