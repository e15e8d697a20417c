/** From @platformatic/kafka's consumed messages to the engine's SourceMessages (bytes, position, metadata). */
import type { Message } from '@platformatic/kafka';
import type { SourceMessage } from '../../core/plugin.ts';
import { NO_HEADERS } from '../../core/record.ts';
import { headersToRecord } from '../../kafka/headers.ts';

export type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * Keys and values are handed on as the client gives them, without a copy (decision 0078): views of the
 * buffer that holds their partition's records of one fetch (decision 0101). A record in flight keeps that
 * buffer alive, but the byte budget is released only as the commit point passes a partition's records, in
 * offset order, so what it counts is a contiguous run of each partition's records: the fetches' runs under
 * it, plus at most one partly committed run at each end. Copying a delivery into a buffer of its own (as
 * before 0078) cost ~20 % of the CPU of a run into the null sink. A null key or value arrives as undefined.
 */
export function toSourceMessages(batch: readonly RawMessage[]): SourceMessage[] {
  const out: SourceMessage[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i] as RawMessage;
    out[i] = {
      topic: m.topic,
      partition: m.partition,
      offset: Number(m.offset),
      key: m.key ?? null,
      value: m.value ?? null,
      headers: m.headers === undefined || m.headers.size === 0 ? NO_HEADERS : headersToRecord(m.headers),
      timestamp: Number(m.timestamp),
    };
  }
  return out;
}
