/**
 * `/metrics` (Prometheus text format), `/healthz` (the process is alive) and `/readyz` (the pipeline is
 * connected and not shutting down), on one small node:http server; `/` is a status page with live
 * figures and `/status.json` the figures behind it (src/observability/status.ts, sampled every second).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { FatalError } from '../core/errors.ts';
import { StatusHistory } from './status.ts';
import { STATUS_PAGE } from './status-page.ts';

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
  const history = new StatusHistory('local');
  const sample = () =>
    registry.metrics().then(
      (text) => history.add(text, Date.now()),
      () => {},
    );
  void sample();
  const sampler = setInterval(sample, 1000);
  sampler.unref();
  const server: Server = createServer((req, res) => {
    const [path, query] = (req.url ?? '/').split('?', 2);
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(STATUS_PAGE);
      return;
    }
    if (path === '/status.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(history.view()));
      return;
    }
    if (path === '/metrics') {
      metricsText(registry, new URLSearchParams(query).getAll('name')).then(
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
    server.once('error', (err: NodeJS.ErrnoException) => {
      clearInterval(sampler);
      reject(
        err.code === 'EADDRINUSE'
          ? new FatalError(
              'DP_OBSERVABILITY_PORT_IN_USE',
              `port ${options.port} for /metrics is taken (another pipeline?): set observability.port to a free port, or to 0 for any free port (or run with --port 0)`,
              { cause: err },
            )
          : err,
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler);
        server.close(() => resolve());
      }),
  };
}

/**
 * The whole registry, or with `?name=A&name=B` only those metrics (unknown names are left out): a poller
 * that wants one counter (the benchmarks read records out every 20 ms) then does not pay for formatting
 * every histogram (decision 0078).
 */
async function metricsText(registry: Registry, names: readonly string[]): Promise<string> {
  if (names.length === 0) return registry.metrics();
  let text = '';
  for (const name of names) {
    if (registry.getSingleMetric(name) !== undefined)
      text += `${await registry.getSingleMetricAsString(name)}\n`;
  }
  return text;
}
