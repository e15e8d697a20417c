/**
 * `datapipe dlq inspect`: the dead-lettered records of a pipeline with their provenance, one line per
 * SOURCE record (copies of one record, e.g. dead-lettered again after a crash, are collapsed and counted:
 * docs/decisions/0052-dead-letter-doubles.md), in the order they were first dead-lettered.
 */
import type { PipelineConfig } from '../config/pipeline-schema.ts';
import type { DeadLetterEntry } from './dead-letter-entry.ts';
import { DeadLetterReader } from './dead-letter-reader.ts';
import { kafkaDeadLetterTarget } from './dead-letter-target.ts';
import { ProvenanceSet } from './provenance-set.ts';
import { replayGroupId } from './replay-source.ts';

interface InspectedDeadLetter {
  /** Where the latest copy sits in the dead-letter topic. */
  readonly dlq: DeadLetterEntry['dlq'];
  /** How many times this source record was dead-lettered (copies in the topic). */
  readonly deadLettered: number;
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
  /** True when `datapipe dlq replay` has already re-driven it (every copy is behind the replay's progress). */
  readonly replayed: boolean;
}

export interface InspectResult {
  readonly topic: string;
  /** Records in the topic (within retention). */
  readonly total: number;
  /** Distinct source records among them (by provenance). */
  readonly sourceRecords: number;
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
    const seen = new ProvenanceSet();
    const shown = new Map<string, { latest: DeadLetterEntry; copies: number }>();
    for await (const batch of reader.batches(ranges, AbortSignal.timeout(600_000))) {
      for (const e of batch) {
        const o = e.original;
        const key =
          o === undefined
            ? `dlq:${e.dlq.partition}@${e.dlq.offset}`
            : `${o.topic}/${o.partition}@${o.offset}`;
        const group = shown.get(key);
        if (group !== undefined) {
          group.latest = e;
          group.copies++;
        } else if ((o === undefined || seen.add(o.topic, o.partition, o.offset)) && shown.size < limit) {
          shown.set(key, { latest: e, copies: 1 });
        }
        if (o === undefined) seen.add('(no provenance)', e.dlq.partition, e.dlq.offset);
      }
    }
    return {
      topic: target.topic,
      total: ranges.reduce((sum, r) => sum + Math.max(0, r.end - r.start), 0),
      sourceRecords: seen.size,
      records: [...shown.values()].map(({ latest, copies }) =>
        describe(latest, copies, latest.dlq.offset < (replayedUpTo.get(latest.dlq.partition) ?? 0)),
      ),
    };
  } finally {
    await Promise.allSettled([reader.close(), progress.close()]);
  }
}

function describe(e: DeadLetterEntry, copies: number, replayed: boolean): InspectedDeadLetter {
  const o = e.original;
  const value = o?.value ?? null;
  const text = value === null ? null : utf8(value);
  return {
    dlq: e.dlq,
    deadLettered: copies,
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

/** One line per source record for people. */
export function formatInspected(result: InspectResult): string {
  const lines = [
    `${result.topic}: ${result.sourceRecords} source record(s) in ${result.total} dead-letter record(s), showing ${result.records.length}`,
  ];
  for (const r of result.records) {
    const from = r.original
      ? `${r.original.topic}/${r.original.partition}@${r.original.offset}`
      : '(no provenance)';
    const value =
      r.value === null ? 'null' : JSON.stringify(r.value.length > 80 ? `${r.value.slice(0, 80)}…` : r.value);
    lines.push(
      `${r.dlq.partition}:${r.dlq.offset}  ${from}  stage=${r.stage}  ${r.error.class}/${r.error.code}: ${r.error.message}  attempts=${r.attempts}  dead-lettered=${r.deadLettered}x${r.replayed ? '  (replayed)' : ''}  value=${value}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
