/** The HTTP writer: one POST per batch through Node's fetch, with a timeout and an idempotency key. */
import type { PipelineRecord, Sink, SinkWriteResult } from '../../core/plugin.ts';
import { classifyFetchError, classifyResponse } from './errors.ts';
import type { HttpOptions } from './options.ts';
import { encodeBatch, idempotencyKey } from './payload.ts';

const EXCERPT_BYTES = 200;

export class HttpSink implements Sink {
  readonly #options: HttpOptions;

  constructor(options: HttpOptions) {
    this.#options = options;
  }

  async connect(): Promise<void> {
    // Nothing to open: fetch pools connections itself, and an unreachable endpoint shows on the first write.
  }

  async write(batch: readonly PipelineRecord[]): Promise<SinkWriteResult | undefined> {
    if (batch.length === 0) return undefined;
    const o = this.#options;
    const payload = encodeBatch(batch, o);
    let response: Response;
    try {
      response = await fetch(o.url, {
        method: 'POST',
        headers: {
          ...o.headers,
          'content-type': payload.contentType,
          [o.idempotencyHeader]: idempotencyKey(batch),
        },
        body: payload.body,
        signal: AbortSignal.timeout(o.timeout),
      });
    } catch (err) {
      throw classifyFetchError(err, o.timeout);
    }
    let text = '';
    try {
      text = await response.text();
    } catch (err) {
      // The status arrived but the body broke off: only a 2xx is a success, so retry unless it was one.
      if (!response.ok) throw classifyFetchError(err, o.timeout);
    }
    if (response.ok) return undefined;
    throw classifyResponse(
      response.status,
      response.headers.get('retry-after'),
      text.slice(0, EXCERPT_BYTES),
    );
  }

  async close(): Promise<void> {}
}
