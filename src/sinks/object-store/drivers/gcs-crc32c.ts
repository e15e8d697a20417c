/**
 * The CRC32C that every GCS upload is checked with (`validation: 'crc32c'`), computed by @node-rs/crc32
 * (the CPU's CRC32 instruction, through N-API; already in the tree as the Kafka client's CRC) instead of
 * @google-cloud/storage's own table-driven JavaScript, which took 15–23 ms per 2 MiB object here against
 * 0.4 ms: over half the CPU of writing JSONL to GCS (decision 0102). Where no prebuilt binary exists for
 * the platform, the client's own validator is used.
 */
import { createRequire } from 'node:module';
import type { CRC32CValidator, CRC32CValidatorGenerator } from '@google-cloud/storage';

type Crc32c = (input: Uint8Array, initialState?: number) => number;

/** The native function, or undefined when @node-rs/crc32 has no binary for this platform. */
function loadNative(): Crc32c | undefined {
  try {
    return (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Crc32c }).crc32c;
  } catch {
    return undefined;
  }
}

const native = loadNative();

/** A validator with the interface of the client's `CRC32C`: fed with `update`, compared in base64. */
class NativeCrc32c implements CRC32CValidator {
  readonly #crc32c: Crc32c;
  #value = 0;

  constructor(crc32c: Crc32c) {
    this.#crc32c = crc32c;
  }

  update(data: Buffer): void {
    this.#value = this.#crc32c(data, this.#value);
  }

  /** Big-endian, base64: the form of GCS's `x-goog-hash: crc32c=...` and of the client's own. */
  toString(): string {
    const bytes = Buffer.allocUnsafe(4);
    bytes.writeUInt32BE(this.#value >>> 0);
    return bytes.toString('base64');
  }

  /** `value` in base64, as the client passes the hash the server computed. */
  validate(value: string): boolean {
    return value === this.toString();
  }
}

/** For `StorageOptions.crc32cGenerator`; undefined (the client's default) without the native module. */
export function nativeCrc32cGenerator(): CRC32CValidatorGenerator | undefined {
  const crc32c = native;
  return crc32c === undefined ? undefined : () => new NativeCrc32c(crc32c);
}
