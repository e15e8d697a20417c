/**
 * What the raw object writers of bench/workers put per batch, like the object-store sink: one object per
 * partition, named after its first and last offsets, under `<prefix><topic>/partition=N/`.
 */
import type { RawMessage } from './consume-loop.ts';

export interface RawObject {
  readonly name: string;
  readonly messages: readonly RawMessage[];
}

const pad = (n: bigint) => n.toString().padStart(10, '0');

export function objectsByPartition(
  batch: readonly RawMessage[],
  prefix: string,
  topic: string,
  extension: string,
): RawObject[] {
  const byPartition = new Map<number, RawMessage[]>();
  for (const m of batch) {
    const list = byPartition.get(m.partition);
    if (list) list.push(m);
    else byPartition.set(m.partition, [m]);
  }
  return [...byPartition].map(([partition, messages]) => ({
    name: `${prefix}${topic}/partition=${partition}/${pad(messages[0]!.offset)}-${pad(messages.at(-1)!.offset)}.${extension}`,
    messages,
  }));
}

/**
 * JSON Lines of the values' bytes as they came from Kafka, in one buffer: what the sinks write for a
 * value nothing changed (decision 0057), and what a hand-written consumer would.
 */
export function valueLines(messages: readonly RawMessage[]): Buffer {
  let length = 0;
  for (const m of messages) length += m.value.length + 1;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const m of messages) {
    at += m.value.copy(out, at);
    out[at++] = 0x0a;
  }
  return out;
}
