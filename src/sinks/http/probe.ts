/**
 * `datapipe check` for the http sink. Any request to the endpoint may be taken as data (a POST is a batch,
 * and receivers rarely promise that HEAD or OPTIONS are harmless), so the probe only opens a TCP
 * connection, and for https completes the TLS handshake with certificate verification, then says that
 * the request itself is not probed.
 */
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { urlPort } from '../../config/url-port.ts';
import type { ProbeResult } from '../../core/plugin.ts';
import { runProbe } from '../../core/probe.ts';
import type { HttpOptions } from './options.ts';

export async function probeHttp(opts: HttpOptions): Promise<ProbeResult[]> {
  const url = new URL(opts.url);
  const secure = url.protocol === 'https:';
  const port = urlPort(url);
  const endpoint = `http ${url.protocol}//${url.host}`;
  const result = await runProbe(
    endpoint,
    [
      {
        name: secure ? 'TCP + TLS handshake' : 'TCP connect',
        run: () => open(url.hostname, port, secure, opts.timeout),
      },
    ],
    {
      proven: `${secure ? 'TLS handshake' : 'TCP connect'} done; the request itself is not probed (any request could be taken as data): watch the first batches`,
      fix: () =>
        'check the host and port of `url`, DNS, the server certificate (NODE_EXTRA_CA_CERTS for a private CA), and that the network policy lets the workload out to it',
    },
  );
  // Reaching the server proves the way there, not the request: reported as skipped, not ok.
  return [result.status === 'ok' ? { ...result, status: 'skipped' } : result];
}

function open(host: string, port: number, secure: boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = secure ? tlsConnect({ host, port, servername: host }) : tcpConnect({ host, port });
    socket.setTimeout(Math.min(timeoutMs, 10_000), () =>
      socket.destroy(new Error(`no answer from ${host}:${port}`)),
    );
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}
