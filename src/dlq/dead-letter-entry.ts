/**
 * A record of a dead-letter topic, read back: where it sits in the DLQ, the original record (position,
 * key, ORIGINAL value bytes, its own headers) and why it was dead-lettered (the `datapipe.dlq.*` headers
 * the engine wrote, see src/runtime/dead-letter.ts).
 */
import type { Message } from '@platformatic/kafka';
import type { SourceMessage } from '../core/plugin.ts';
import { headersToRecord } from '../kafka/headers.ts';
import { DLQ_HEADER } from '../runtime/dead-letter.ts';

export interface DeadLetterEntry {
  /** Position in the dead-letter topic. */
  readonly dlq: { readonly topic: string; readonly partition: number; readonly offset: number };
  /** The original record as the source read it; undefined when the provenance headers are missing. */
  readonly original: SourceMessage | undefined;
  readonly stage: string;
  readonly error: { readonly class: string; readonly code: string; readonly message: string };
  readonly attempts: number;
  readonly pipeline: string;
}

const DATAPIPE_HEADER = /^datapipe\.(dlq|source)\./;

export function parseDeadLetter(m: Message<Buffer, Buffer, Buffer, Buffer>): DeadLetterEntry {
  const headers = headersToRecord(m.headers);
  const h = (name: string) => headers[name] ?? '';
  const partition = Number(headers[DLQ_HEADER.partition]);
  const offset = Number(headers[DLQ_HEADER.offset]);
  const topic = headers[DLQ_HEADER.topic];
  const ownHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!DATAPIPE_HEADER.test(k)) ownHeaders[k] = v;
  const original: SourceMessage | undefined =
    topic === undefined || !Number.isInteger(partition) || !Number.isInteger(offset)
      ? undefined
      : {
          topic,
          partition,
          offset,
          key: m.key ? Buffer.from(m.key) : null,
          value: m.value ? Buffer.from(m.value) : null,
          headers: ownHeaders,
          timestamp: Number(headers[DLQ_HEADER.timestamp] ?? m.timestamp),
        };
  return {
    dlq: { topic: m.topic, partition: m.partition, offset: Number(m.offset) },
    original,
    stage: h(DLQ_HEADER.stage),
    error: {
      class: h(DLQ_HEADER.errorClass),
      code: h(DLQ_HEADER.errorCode),
      message: h(DLQ_HEADER.errorMessage),
    },
    attempts: Number(headers[DLQ_HEADER.attempts] ?? 0),
    pipeline: h(DLQ_HEADER.pipeline),
  };
}
