/**
 * Plugins whose client library is heavy (Kafka, MongoDB, PostgreSQL, cloud SDKs) load it only when a
 * pipeline really uses them: `create` returns at once and the import happens in `connect`/`run`.
 * This keeps `datapipe --help`, `validate` and `render` fast, and pipelines pay only for what they use.
 */
import type { Sink, Source, SourceContext, SourcePosition } from './plugin.ts';

export function lazySink(load: () => Promise<Sink>): Sink {
  let loaded: Promise<Sink> | undefined;
  const sink = () => {
    loaded ??= load();
    return loaded;
  };
  let ready: Sink | undefined;
  return {
    connect: async () => {
      ready = await sink();
      await ready.connect();
    },
    write: async (batch) => (ready ?? (await sink())).write(batch),
    close: async () => {
      if (loaded !== undefined) await (await loaded).close();
    },
  };
}

export function lazySource(load: () => Promise<Source>): Source {
  let loaded: Promise<Source> | undefined;
  const source = () => {
    loaded ??= load();
    return loaded;
  };
  return {
    run: async (ctx: SourceContext) => (await source()).run(ctx),
    commit: async (positions: readonly SourcePosition[]) => (await source()).commit(positions),
    stop: async () => {
      if (loaded !== undefined) await (await loaded).stop();
    },
    close: async () => {
      if (loaded !== undefined) await (await loaded).close();
    },
  };
}
