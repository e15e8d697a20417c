/**
 * The DNS zone and the exposed hosts, from Ingresses, LoadBalancer and NodePort Services,
 * external-dns flags and DNS zones in Terraform.
 */
import type { TargetRegistry } from '../platform/targets/descriptor.ts';
import { dnsLabel, type Notes } from './draft.ts';
import { asArray, asObject, attribute, type Inventory, type Json } from './inventory.ts';
import type { WorkloadsDraft } from './workloads.ts';

const FQDN = /^([a-z0-9-]+\.)+[a-z]{2,}$/;

export function inferZone(inv: Inventory, notes: Notes, targets: TargetRegistry): string {
  for (const o of inv.kube) {
    for (const c of asArray(asObject(asObject(asObject(o.data['spec'])['template'])['spec'])['containers'])) {
      for (const arg of asArray(asObject(c)['args'])) {
        const m = /^--domain-filter=(.+)$/.exec(String(arg));
        if (m?.[1] && FQDN.test(m[1])) return m[1];
      }
    }
  }
  for (const r of inv.terraform) {
    const type = r.type.replace(/^data\./, '');
    const value = targets.list
      .map((t) =>
        t.import.dnsZone?.(type, r.block, (block, name) =>
          attribute(block as Parameters<typeof attribute>[0], name),
        ),
      )
      .find((v) => v !== undefined);
    const zone = value?.replace(/\.$/, '');
    if (zone && FQDN.test(zone)) return zone;
  }
  const host = [...ingressHosts(inv), ...serviceHosts(inv)][0];
  if (host) {
    const zone = host.split('.').slice(1).join('.');
    notes.todo(['dns', 'zone'], `guessed from the host ${host}`);
    return FQDN.test(zone) ? zone : host;
  }
  notes.todo(['dns', 'zone'], 'no DNS zone found; set the zone external-dns writes to');
  return 'replace-me.example.com';
}

/** Host names external-dns publishes for Services (`external-dns.alpha.kubernetes.io/hostname`). */
function serviceHosts(inv: Inventory): string[] {
  return inv.kube
    .filter((o) => o.kind === 'Service')
    .flatMap((o) => hostnameAnnotation(o.data))
    .filter((h) => FQDN.test(h));
}

function hostnameAnnotation(data: Json): string[] {
  const value = asObject(asObject(data['metadata'])['annotations'])[
    'external-dns.alpha.kubernetes.io/hostname'
  ];
  return typeof value === 'string' ? value.split(',').map((h) => h.trim().replace(/\.$/, '')) : [];
}

/**
 * Services of type LoadBalancer or NodePort expose a workload without an Ingress. Each becomes an
 * exposure at its external-dns host name (or a guessed `<workload>.<zone>`, marked), unless an
 * annotation keeps its load balancer internal (each target says which: `import.internalLoadBalancer`).
 */
function serviceExposure(
  inv: Inventory,
  zone: string,
  workloads: WorkloadsDraft,
  notes: Notes,
  exposure: Json[],
  targets: TargetRegistry,
): void {
  const internal = targets.list.flatMap((t) => t.import.internalLoadBalancer ?? []);
  const serviceNames = new Set(workloads.services.map((s) => s['name']));
  for (const svc of inv.kube.filter((o) => o.kind === 'Service')) {
    const type = String(asObject(svc.data['spec'])['type'] ?? 'ClusterIP');
    if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
    const workload = workloads.serviceToWorkload.get(svc.name);
    if (!workload || !serviceNames.has(workload)) {
      notes.todo(
        ['exposure'],
        `${svc.file}: ${type} Service "${svc.name}" exposes no service workload here; add it by hand`,
      );
      continue;
    }
    const annotations = asObject(asObject(svc.data['metadata'])['annotations']);
    if (internal.some(([key, value]) => value.test(String(annotations[key] ?? '')))) {
      notes.todo(
        ['exposure'],
        `${svc.file}: ${type} Service "${svc.name}" is internal; not exposed (add it if it must be public)`,
      );
      continue;
    }
    const ports = asArray(asObject(svc.data['spec'])['ports']).map((p) => asObject(p)['port']);
    const hosts = hostnameAnnotation(svc.data).filter(
      (h) => FQDN.test(h) && (h === zone || h.endsWith(`.${zone}`)),
    );
    const guessed = hosts.length === 0;
    for (const host of guessed ? [`${workload}.${zone}`] : hosts) {
      if (exposure.some((e) => e['host'] === host && e['service'] === workload)) continue;
      const index = exposure.length;
      exposure.push({ service: workload, host, path: '/' });
      notes.todo(
        ['exposure', index],
        `${svc.file}: was a ${type} Service (port ${ports.join(', ') || '?'}); exposure is HTTP(S) through the gateway${guessed ? ', and the host is a guess' : ''}`,
      );
    }
  }
}

function ingressHosts(inv: Inventory): string[] {
  return inv.kube
    .filter((o) => o.kind === 'Ingress')
    .flatMap((o) => asArray(asObject(o.data['spec'])['rules']).map((r) => String(asObject(r)['host'] ?? '')))
    .filter((h) => FQDN.test(h));
}

export function inferExposure(
  inv: Inventory,
  zone: string,
  workloads: WorkloadsDraft,
  notes: Notes,
  targets: TargetRegistry,
): Json[] {
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
  serviceExposure(inv, zone, workloads, notes, exposure, targets);
  return exposure;
}
