/**
 * `/metrics` (Prometheus text format), `/healthz` (the process is alive) and `/readyz` (the pipeline is
 * connected and not shutting down), on one small node:http server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { FatalError } from '../core/errors.ts';

export interface HealthState {
  /** False once the pipeline has failed fatally. */
  live(): boolean;
  /** True once the source and sinks are connected, false again while shutting down. */
  ready(): boolean;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  registry: Registry,
  state: HealthState,
  options: { host: string; port: number },
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? state.live() : state.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'not ok\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new FatalError(
              'DP_OBSERVABILITY_PORT_IN_USE',
              `port ${options.port} for /metrics is taken (another pipeline?): set observability.port to a free port, or to 0 for any free port (or run with --port 0)`,
              { cause: err },
            )
          : err,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
