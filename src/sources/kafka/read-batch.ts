/**
 * Pull-mode reading of a Readable in object mode: take what is buffered, up to `max`, and otherwise wait
 * for more. The caller decides when to read again, which is the backpressure: while it does not read,
 * the buffer stays full and @platformatic/kafka stops fetching.
 */
import type { Readable } from 'node:stream';

/** Resolves with up to `max` items, or `null` once the stream has ended, closed or `signal` aborted. */
export async function readBatch<T>(stream: Readable, max: number, signal: AbortSignal): Promise<T[] | null> {
  for (;;) {
    if (signal.aborted) return null;
    const batch: T[] = [];
    for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) {
      batch.push(item);
      if (batch.length >= max) break;
    }
    if (batch.length > 0) return batch;
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded || stream.destroyed) return null;
    await readable(stream, signal);
  }
}

/** Waits for the next 'readable', 'end', 'close' or 'error' event (errors are read from `stream.errored`). */
function readable(stream: Readable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of EVENTS) stream.off(event, done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    for (const event of EVENTS) stream.on(event, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

const EVENTS = ['readable', 'end', 'close', 'error'] as const;
