/** From @platformatic/kafka's consumed message to the engine's SourceMessage (bytes, position, metadata). */
import type { Message } from '@platformatic/kafka';
import type { SourceMessage } from '../../core/plugin.ts';
import { headersToRecord } from '../../kafka/headers.ts';

export type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * The client hands keys and values as slices of the whole fetch response: they are copied, so that a
 * record waiting in a slow sink holds its own bytes and not a multi-megabyte response (the engine's byte
 * budget counts record sizes, and must be able to trust them). A null key or value arrives as undefined.
 */
export function toSourceMessage(m: RawMessage): SourceMessage {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: Number(m.offset),
    key: m.key ? Buffer.from(m.key) : null,
    value: m.value ? Buffer.from(m.value) : null,
    headers: headersToRecord(m.headers),
    timestamp: Number(m.timestamp),
  };
}
