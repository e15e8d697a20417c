/**
 * A real HTTP server (node:http) for tests of the http sink: it records every request, stores the
 * records of accepted batches once per idempotency key, and can be told to misbehave: fail the next N
 * requests with 503 or 429 + Retry-After, reject (400) any batch containing a marker, or go away and
 * come back on the same port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
}

export interface FailureMode {
  readonly status: 503 | 429 | 500 | 408;
  /** The Retry-After header value, as sent (seconds or an HTTP date). */
  readonly retryAfter?: string;
}

export interface HttpReceiverOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly idempotencyHeader?: string;
}

export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Records of accepted batches, each batch stored once per idempotency key. */
  readonly records: unknown[] = [];
  /** How many accepted requests were replays of an already stored idempotency key. */
  duplicatesDropped = 0;
  readonly #header: string;
  readonly #seenKeys = new Set<string>();
  #failures: FailureMode[] = [];
  #rejectMarker: string | undefined;
  #server: Server | undefined;
  #port: number;

  constructor(options: HttpReceiverOptions = {}) {
    this.#port = options.port ?? 0;
    this.#header = (options.idempotencyHeader ?? 'Idempotency-Key').toLowerCase();
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/ingest`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const { status, headers } = this.#answer(req.headers, body);
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body,
          status,
        });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ status }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Stops listening and drops open connections: the endpoint "goes away" (start() brings it back). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `count` requests fail with this status. */
  failNext(count: number, mode: FailureMode = { status: 503 }): void {
    for (let i = 0; i < count; i++) this.#failures.push(mode);
  }

  /** Any batch whose body contains `marker` is refused with 400 (null: accept everything). */
  rejectContaining(marker: string | null): void {
    this.#rejectMarker = marker ?? undefined;
  }

  #answer(headers: IncomingHttpHeaders, body: string): { status: number; headers: Record<string, string> } {
    const failure = this.#failures.shift();
    if (failure) {
      return {
        status: failure.status,
        headers: failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
      };
    }
    if (this.#rejectMarker !== undefined && body.includes(this.#rejectMarker))
      return { status: 400, headers: {} };
    let items: unknown[];
    try {
      items = parseBatch(body, String(headers['content-type'] ?? ''));
    } catch {
      return { status: 400, headers: {} };
    }
    const key = headers[this.#header];
    if (typeof key === 'string') {
      if (this.#seenKeys.has(key)) {
        this.duplicatesDropped++;
        return { status: 200, headers: {} };
      }
      this.#seenKeys.add(key);
    }
    this.records.push(...items);
    return { status: 200, headers: {} };
  }
}

function parseBatch(body: string, contentType: string): unknown[] {
  if (contentType.includes('ndjson')) {
    return body
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as unknown);
  }
  const parsed = JSON.parse(body) as unknown;
  return Array.isArray(parsed) ? parsed : [parsed];
}
