/** The DNS zone and the exposed hosts, from Ingresses, external-dns flags and DNS zones in Terraform. */
import { dnsLabel, type Notes } from './draft.ts';
import { asArray, asObject, attribute, type Inventory, type Json } from './inventory.ts';
import type { WorkloadsDraft } from './workloads.ts';

const FQDN = /^([a-z0-9-]+\.)+[a-z]{2,}$/;

export function inferZone(inv: Inventory, notes: Notes): string {
  for (const o of inv.kube) {
    for (const c of asArray(asObject(asObject(asObject(o.data['spec'])['template'])['spec'])['containers'])) {
      for (const arg of asArray(asObject(c)['args'])) {
        const m = /^--domain-filter=(.+)$/.exec(String(arg));
        if (m?.[1] && FQDN.test(m[1])) return m[1];
      }
    }
  }
  for (const r of inv.terraform) {
    const value =
      r.type === 'aws_route53_zone' || r.type === 'azurerm_dns_zone'
        ? attribute(r.block, 'name')
        : r.type === 'google_dns_managed_zone'
          ? attribute(r.block, 'dns_name')
          : undefined;
    const zone = value?.replace(/\.$/, '');
    if (zone && FQDN.test(zone)) return zone;
  }
  const host = ingressHosts(inv)[0];
  if (host) {
    const zone = host.split('.').slice(1).join('.');
    notes.todo(['dns', 'zone'], `guessed from the host ${host}`);
    return FQDN.test(zone) ? zone : host;
  }
  notes.todo(['dns', 'zone'], 'no DNS zone found; set the zone external-dns writes to');
  return 'example.com';
}

function ingressHosts(inv: Inventory): string[] {
  return inv.kube
    .filter((o) => o.kind === 'Ingress')
    .flatMap((o) => asArray(asObject(o.data['spec'])['rules']).map((r) => String(asObject(r)['host'] ?? '')))
    .filter((h) => FQDN.test(h));
}

export function inferExposure(inv: Inventory, zone: string, workloads: WorkloadsDraft, notes: Notes): Json[] {
  const exposure: Json[] = [];
  const serviceNames = new Set(workloads.services.map((s) => s['name']));
  for (const ing of inv.kube.filter((o) => o.kind === 'Ingress')) {
    const spec = asObject(ing.data['spec']);
    const annotations = asObject(asObject(ing.data['metadata'])['annotations']);
    for (const rule of asArray(spec['rules']).map(asObject)) {
      const host = String(rule['host'] ?? '');
      for (const p of asArray(asObject(rule['http'])['paths']).map(asObject)) {
        const backend = asObject(p['backend']);
        const svc = String(asObject(backend['service'])['name'] ?? backend['serviceName'] ?? '');
        const workload = workloads.serviceToWorkload.get(svc);
        if (!workload || !serviceNames.has(workload)) {
          notes.todo(
            ['exposure'],
            `${ing.file}: ${host} routes to "${svc}", which is not a service workload here; add it by hand`,
          );
          continue;
        }
        if (!FQDN.test(host) || (host !== zone && !host.endsWith(`.${zone}`))) {
          notes.todo(['exposure'], `${ing.file}: host "${host}" is outside the zone ${zone}; add it by hand`);
          continue;
        }
        const index = exposure.length;
        const entry: Json = {
          service: workload,
          host,
          path: typeof p['path'] === 'string' && p['path'].startsWith('/') ? p['path'] : '/',
        };
        const tls = asArray(spec['tls'])
          .map(asObject)
          .find((t) => asArray(t['hosts']).includes(host));
        if (tls && typeof tls['secretName'] === 'string') {
          const issuer = annotations['cert-manager.io/cluster-issuer'];
          entry['tls'] = {
            secretName: dnsLabel(tls['secretName']),
            ...(typeof issuer === 'string' ? { clusterIssuer: issuer } : {}),
          };
        }
        if (annotations['nginx.ingress.kubernetes.io/auth-type'] === 'basic') {
          const secret = String(
            annotations['nginx.ingress.kubernetes.io/auth-secret'] ?? `${workload}-htpasswd`,
          );
          entry['basicAuth'] = { secretName: dnsLabel(secret) };
          notes.todo(
            ['exposure', index, 'basicAuth'],
            `ingress-nginx reads the htpasswd from key "auth"; the gateway wants key ".htpasswd" in secret ${secret}`,
          );
        }
        exposure.push(entry);
      }
    }
  }
  return exposure;
}
