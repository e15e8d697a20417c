/**
 * Avro object container files (the format of Iceberg manifests and manifest lists): the header carries the
 * writer's schema as we give it, with Iceberg's `field-id` attributes intact (readers resolve manifest
 * fields by id), and the records go in one uncompressed block. avsc encodes the records and the header.
 * Longs are BigInts both ways: snapshot ids written by other engines use all 64 bits.
 * Spec: https://avro.apache.org/docs/1.12.0/specification/#object-container-files
 */
import { randomBytes } from 'node:crypto';
import avro from 'avsc';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1

const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'bigint' || Number.isSafeInteger(n),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** An avsc type for `schema` whose longs are BigInts. */
export function avroType(schema: object | string): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: bigintLong }, wrapUnions: false });
}

const header = avroType({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const long = avroType('long');

/** One container file holding `records`, written with `schema` (a JSON Avro schema) and `metadata`. */
export function avroContainer(
  schema: object,
  records: readonly unknown[],
  metadata: Readonly<Record<string, string>>,
): Buffer {
  // avsc ignores attributes it does not know (field-id, ...) when encoding; the header keeps them.
  const type = avroType(schema);
  const sync = randomBytes(16);
  const meta: Record<string, Buffer> = {
    'avro.schema': Buffer.from(JSON.stringify(schema)),
    'avro.codec': Buffer.from('null'),
  };
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value);
  const body = Buffer.concat(records.map((r) => type.toBuffer(r)));
  return Buffer.concat([
    header.toBuffer({ magic: MAGIC, meta, sync }),
    long.toBuffer(BigInt(records.length)),
    long.toBuffer(BigInt(body.length)),
    body,
    sync,
  ]);
}

/** The records of a container file, decoded with the schema in its own header (any codec avsc reads). */
export async function readAvroContainer(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  await new Promise<void>((resolve, reject) => {
    const decoder = new avro.streams.BlockDecoder({
      parseHook: (schema: avro.Schema) => avroType(schema as object),
    });
    decoder.on('data', (record: Record<string, unknown>) => records.push(record));
    decoder.on('end', () => resolve());
    decoder.on('error', reject);
    decoder.end(bytes);
  });
  return records;
}
