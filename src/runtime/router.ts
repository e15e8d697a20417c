/**
 * Fan-out: hands each transformed record to every sink whose `when` (a JSONata expression on the
 * record) is true, or to every sink without one. Records are routed one after the other, so each sink
 * receives each partition's records in offset order. Without any `when`, routing is synchronous.
 */

import type { PipelineRecord } from '../core/record.ts';
import type { RecordExpression } from '../transforms/jsonata-expression.ts';
import { isTrue } from '../transforms/jsonata-expression.ts';

export interface RouteTarget<T> {
  readonly name: string;
  /** Absent: the sink takes every record. */
  readonly when: RecordExpression | undefined;
  add(record: PipelineRecord, tag: T): void;
}

export interface RouteEvents<T> {
  /** No sink took the record. */
  unrouted(tag: T): void;
  /** A `when` expression failed on this record: the record is dead-lettered for that sink. */
  failed(target: RouteTarget<T>, record: PipelineRecord, tag: T, error: unknown): void;
}

export class Router<T> {
  readonly #targets: readonly RouteTarget<T>[];
  readonly #conditional: boolean;

  constructor(targets: readonly RouteTarget<T>[]) {
    this.#targets = targets;
    this.#conditional = targets.some((t) => t.when !== undefined);
  }

  route(
    records: readonly PipelineRecord[],
    tags: readonly T[],
    events: RouteEvents<T>,
  ): void | Promise<void> {
    if (!this.#conditional) {
      const targets = this.#targets;
      if (targets.length === 0) {
        for (const tag of tags) events.unrouted(tag);
        return;
      }
      for (let i = 0; i < records.length; i++) {
        const record = records[i] as PipelineRecord;
        const tag = tags[i] as T;
        for (const target of targets) target.add(record, tag);
      }
      return;
    }
    return this.#routeConditional(records, tags, events);
  }

  async #routeConditional(
    records: readonly PipelineRecord[],
    tags: readonly T[],
    events: RouteEvents<T>,
  ): Promise<void> {
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as PipelineRecord;
      const tag = tags[i] as T;
      let taken = false;
      for (const target of this.#targets) {
        if (target.when === undefined) {
          target.add(record, tag);
          taken = true;
          continue;
        }
        let pass: boolean;
        try {
          pass = isTrue(await target.when(record));
        } catch (err) {
          events.failed(target, record, tag, err);
          taken = true;
          continue;
        }
        if (pass) {
          target.add(record, tag);
          taken = true;
        }
      }
      if (!taken) events.unrouted(tag);
    }
  }
}
