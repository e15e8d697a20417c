/** Egress to an endpoint outside the cluster, for the NetworkPolicies that follow the bindings (bindings.ts). */
import { urlPort } from '../config/url-port.ts';
import type { CidrFact, Egress } from './targets/descriptor.ts';

/**
 * The egress to an endpoint URL (an S3-compatible server, a REST catalog): its port, and `cidr` (the fact
 * `cidrFact`), else the host's own /32 when it is an address.
 */
export function endpointEgress(endpoint: string, cidr: string | undefined, cidrFact: CidrFact): Egress {
  const url = new URL(endpoint);
  return { host: url.hostname, port: urlPort(url), cidr: cidr ?? ipCidr(url.hostname), except: [], cidrFact };
}

/** An address's own /32; undefined for a host name. */
export function ipCidr(host: string): string | undefined {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(host) ? `${host}/32` : undefined;
}
