/** Writes records as PostgreSQL rows: COPY into staging, then an idempotent INSERT … ON CONFLICT. */
import type { Sink, SinkPlugin } from '../../runtime/plugin.ts';
import { postgresOptions } from './options.ts';
import { PostgresSink } from './sink.ts';

export const postgresSink: SinkPlugin<typeof postgresOptions> = {
  type: 'postgres',
  description:
    'Writes records as rows of a PostgreSQL table (COPY + INSERT … ON CONFLICT, keyed for replays).',
  options: postgresOptions,
  create: (options, ctx): Sink => new PostgresSink(options, ctx),
};
