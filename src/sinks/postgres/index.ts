/** Writes records as PostgreSQL rows: COPY into staging, then an idempotent INSERT … ON CONFLICT. */
import { lazySink } from '../../core/lazy-plugin.ts';
import type { Sink, SinkPlugin } from '../../core/plugin.ts';
import { postgresOptions } from './options.ts';
import { postgresProblems } from './table-plan.ts';

export const postgresSink: SinkPlugin<typeof postgresOptions> = {
  type: 'postgres',
  description:
    'Writes records as rows of a PostgreSQL table (COPY + INSERT … ON CONFLICT, keyed for replays).',
  options: postgresOptions,
  check: postgresProblems,
  binding: { field: 'connection', type: 'postgres', fields: ['connectionString'] },
  // The `pg` driver is loaded only when a pipeline uses this sink.
  create: (options, ctx): Sink =>
    lazySink(async () => new (await import('./sink.ts')).PostgresSink(options, ctx)),
  probe: async (options, ctx) => (await import('./probe.ts')).probePostgres(options, ctx),
};
