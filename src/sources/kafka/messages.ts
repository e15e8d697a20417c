/** From @platformatic/kafka's consumed messages to the engine's SourceMessages (bytes, position, metadata). */
import type { Message } from '@platformatic/kafka';
import type { SourceMessage } from '../../core/plugin.ts';
import { NO_HEADERS } from '../../core/record.ts';
import { headersToRecord } from '../../kafka/headers.ts';

export type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * The client hands keys and values as slices of the whole fetch response: they are copied, so that a
 * record waiting in a slow sink holds its own bytes and not a multi-megabyte response (the engine's byte
 * budget counts record sizes, and must be able to trust them). One delivery's keys and values are copied
 * into ONE buffer (each record gets a view of its part): one allocation per delivery instead of two per
 * record. That buffer lives until the last record of the delivery is released, which the budget bounds
 * (a delivery is at most 1,000 records of the same fetch). A null key or value arrives as undefined.
 */
export function toSourceMessages(batch: readonly RawMessage[]): SourceMessage[] {
  let total = 0;
  for (const m of batch) total += (m.key?.length ?? 0) + (m.value?.length ?? 0);
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  const copy = (part: Buffer | undefined): Buffer | null => {
    if (!part) return null;
    bytes.set(part, at);
    const view = bytes.subarray(at, at + part.length);
    at += part.length;
    return view;
  };
  const out: SourceMessage[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i] as RawMessage;
    out[i] = {
      topic: m.topic,
      partition: m.partition,
      offset: Number(m.offset),
      key: copy(m.key),
      value: copy(m.value),
      headers: m.headers === undefined || m.headers.size === 0 ? NO_HEADERS : headersToRecord(m.headers),
      timestamp: Number(m.timestamp),
    };
  }
  return out;
}
