/** `datapipe dlq inspect`: the dead-lettered records of a pipeline with their provenance, oldest first. */
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import type { DeadLetterEntry } from './dead-letter-entry.ts';
import { DeadLetterReader } from './dead-letter-reader.ts';
import { kafkaDeadLetterTarget } from './dead-letter-target.ts';
import { replayGroupId } from './replay-source.ts';

interface InspectedDeadLetter {
  readonly dlq: DeadLetterEntry['dlq'];
  readonly original: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: number;
    readonly timestamp: string;
  } | null;
  readonly stage: string;
  readonly error: DeadLetterEntry['error'];
  readonly attempts: number;
  readonly key: string | null;
  /** The original value: UTF-8 text when it is valid UTF-8, else base64 (see `valueEncoding`). */
  readonly value: string | null;
  readonly valueEncoding: 'utf8' | 'base64';
  readonly headers: Readonly<Record<string, string>>;
  /** True when `datapipe dlq replay` has already re-driven it. */
  readonly replayed: boolean;
}

export interface InspectResult {
  readonly topic: string;
  /** Records in the topic (within retention). */
  readonly total: number;
  readonly records: InspectedDeadLetter[];
}

export async function inspectDeadLetters(
  config: PipelineConfig,
  ctx: { readonly pipelineName: string; readonly baseDir: string },
  limit: number,
): Promise<InspectResult> {
  const target = kafkaDeadLetterTarget(config);
  const progress = new DeadLetterReader(target, replayGroupId(target), ctx);
  const reader = new DeadLetterReader(
    target,
    `${target.groupId}.dlq-inspect-${process.pid}-${Date.now()}`,
    ctx,
  );
  try {
    const replayedUpTo = new Map((await progress.ranges('committed')).map((r) => [r.partition, r.start]));
    const ranges = await reader.ranges('earliest');
    const entries = await reader.read(ranges, limit, AbortSignal.timeout(120_000));
    return {
      topic: target.topic,
      total: ranges.reduce((sum, r) => sum + Math.max(0, r.end - r.start), 0),
      records: entries.map((e) => describe(e, e.dlq.offset < (replayedUpTo.get(e.dlq.partition) ?? 0))),
    };
  } finally {
    await Promise.allSettled([reader.close(), progress.close()]);
  }
}

function describe(e: DeadLetterEntry, replayed: boolean): InspectedDeadLetter {
  const o = e.original;
  const value = o?.value ?? null;
  const text = value === null ? null : utf8(value);
  return {
    dlq: e.dlq,
    original:
      o === undefined
        ? null
        : {
            topic: o.topic,
            partition: o.partition,
            offset: o.offset,
            timestamp: new Date(o.timestamp).toISOString(),
          },
    stage: e.stage,
    error: e.error,
    attempts: e.attempts,
    key: o?.key ? o.key.toString('utf8') : null,
    value: value === null ? null : (text ?? value.toString('base64')),
    valueEncoding: value !== null && text === null ? 'base64' : 'utf8',
    headers: o?.headers ?? {},
    replayed,
  };
}

function utf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** One line per record for people. */
export function formatInspected(result: InspectResult): string {
  const lines = [
    `${result.topic}: ${result.total} dead-lettered record(s), showing ${result.records.length}`,
  ];
  for (const r of result.records) {
    const from = r.original
      ? `${r.original.topic}/${r.original.partition}@${r.original.offset}`
      : '(no provenance)';
    const value =
      r.value === null ? 'null' : JSON.stringify(r.value.length > 80 ? `${r.value.slice(0, 80)}…` : r.value);
    lines.push(
      `${r.dlq.partition}:${r.dlq.offset}  ${from}  stage=${r.stage}  ${r.error.class}/${r.error.code}: ${r.error.message}  attempts=${r.attempts}${r.replayed ? '  (replayed)' : ''}  value=${value}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
