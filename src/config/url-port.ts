/**
 * The port a URL from a config file reaches: its own, else its scheme's default. One place for it, used
 * by the egress render opens (platform) and by `datapipe check`'s probes (sinks).
 */

/**
 * The default ports of the URL Standard's special schemes (https://url.spec.whatwg.org/#special-scheme);
 * `new URL()` leaves `port` empty when it is the default, so it has to come from here.
 */
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'ftp:': 21,
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
};

/** The port `url` connects to; throws for a scheme with no default port when the URL names none. */
export function urlPort(url: URL): number {
  if (url.port) return Number(url.port);
  const port = DEFAULT_PORTS[url.protocol];
  if (port === undefined) {
    throw new Error(`${url.href}: no port, and ${url.protocol.slice(0, -1)} URLs have no default port`);
  }
  return port;
}
