/**
 * Records that cannot be processed go to the dead-letter destination (any sink) as they were read: the
 * ORIGINAL key and value bytes, so that a replay can re-drive them, plus provenance headers saying
 * where they came from and what failed. The record's offset is released only once that write succeeded.
 */
import { redactSecrets } from '../config/references.ts';
import type { PipelineRecord } from '../core/record.ts';
import type { Ticket } from './offset-tracker.ts';
import { describeFailure } from './retry.ts';

export const DLQ_HEADER = {
  topic: 'datapipe.dlq.topic',
  partition: 'datapipe.dlq.partition',
  offset: 'datapipe.dlq.offset',
  timestamp: 'datapipe.dlq.timestamp',
  stage: 'datapipe.dlq.stage',
  errorClass: 'datapipe.dlq.error.class',
  errorCode: 'datapipe.dlq.error.code',
  errorMessage: 'datapipe.dlq.error.message',
  attempts: 'datapipe.dlq.attempts',
  pipeline: 'datapipe.dlq.pipeline',
} as const;

/** `decode`, `transform`, or `sink:<name>`. */
export type DeadLetterStage = 'decode' | 'transform' | `sink:${string}`;

/** Error messages can be long (a whole server response): headers keep the start. */
const MAX_MESSAGE_CHARS = 1000;

/** The dead-letter record for the message behind `ticket`. */
export function deadLetterRecord(
  ticket: Ticket,
  failure: { stage: DeadLetterStage; error: unknown; attempts: number; pipeline: string },
): PipelineRecord {
  const m = ticket.message;
  const { errorClass, code, message } = describeFailure(failure.error);
  return {
    position: { topic: m.topic, partition: m.partition, offset: m.offset },
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value,
    headers: {
      ...m.headers,
      [DLQ_HEADER.topic]: m.topic,
      [DLQ_HEADER.partition]: String(m.partition),
      [DLQ_HEADER.offset]: String(m.offset),
      [DLQ_HEADER.timestamp]: String(m.timestamp),
      [DLQ_HEADER.stage]: failure.stage,
      [DLQ_HEADER.errorClass]: errorClass,
      [DLQ_HEADER.errorCode]: code,
      [DLQ_HEADER.errorMessage]: redactSecrets(message.slice(0, MAX_MESSAGE_CHARS)),
      [DLQ_HEADER.attempts]: String(failure.attempts),
      [DLQ_HEADER.pipeline]: failure.pipeline,
    },
    timestamp: m.timestamp,
    sizeBytes: ticket.bytes,
  };
}
