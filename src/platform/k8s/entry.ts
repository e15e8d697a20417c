/**
 * The HTTP entry point. Gateway API with Envoy Gateway on every target (ingress-nginx was retired in
 * March 2026; Envoy Gateway runs the same everywhere and has basic auth in its SecurityPolicy), or a
 * plain Ingress per exposure. The provider's load balancer settings live in the EnvoyProxy object the
 * Gateway points to, which each target renders in its bindings: the Gateway itself never changes.
 */

import type { IGateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import type { IGatewayClass } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import type { IListener } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Listener';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { Exposure, PlatformConfig } from '../schema.ts';
import { workloadMeta } from './common.ts';
import { type K8sObject, recommendedLabels, typed } from './object.ts';

const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

function gatewayName(config: PlatformConfig): string {
  return config.name;
}

function envoyProxyName(config: PlatformConfig): string {
  return `${config.name}-proxy`;
}

function listenerName(e: Exposure, protocol: 'http' | 'https' = e.tls ? 'https' : 'http'): string {
  return `${protocol}-${e.host.replaceAll('.', '-')}`.slice(0, 63).replace(/-+$/, '');
}

function routeName(e: Exposure, listener: string, suffix = ''): string {
  return `${e.service}-${listener}`.slice(0, 63 - suffix.length).replace(/-+$/, '') + suffix;
}

/**
 * A TLS host also gets a plain HTTP listener on :80: cert-manager's HTTP-01 solver attaches its
 * challenge route there (a longer path, so it wins), and every other request is redirected to HTTPS.
 */
function httpRedirect(config: PlatformConfig, e: Exposure): { listener: IListener; route: K8sObject } {
  const name = listenerName(e, 'http');
  return {
    listener: {
      name,
      hostname: e.host,
      protocol: 'HTTP',
      port: 80,
      allowedRoutes: { namespaces: { from: 'Same' } },
    },
    route: typed<IHTTPRoute>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: workloadMeta(config, routeName(e, name, '-redirect'), 'route', e.service),
      spec: {
        parentRefs: [{ name: gatewayName(config), sectionName: name }],
        hostnames: [e.host],
        rules: [
          { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
        ],
      },
    }),
  };
}

function entryMeta(config: PlatformConfig, name: string, component: string): K8sObject['metadata'] {
  return {
    name,
    namespace: config.namespace,
    labels: recommendedLabels({ name, instance: name, component, partOf: config.name }),
  };
}

function gatewayObjects(config: PlatformConfig, exposures: Exposure[]): K8sObject[] {
  const listeners = new Map<string, IListener>();
  for (const e of exposures) {
    listeners.set(listenerName(e), {
      name: listenerName(e),
      hostname: e.host,
      protocol: e.tls ? 'HTTPS' : 'HTTP',
      port: e.tls ? 443 : 80,
      ...(e.tls
        ? { tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: e.tls.secretName }] } }
        : {}),
      allowedRoutes: { namespaces: { from: 'Same' } },
    });
  }
  const redirects = exposures.filter((e) => e.tls).map((e) => httpRedirect(config, e));
  for (const r of redirects) listeners.set(r.listener['name'] as string, r.listener);
  const issuer = exposures.find((e) => e.tls?.clusterIssuer)?.tls?.clusterIssuer;
  const gatewayMeta = entryMeta(config, gatewayName(config), 'gateway');
  if (issuer) gatewayMeta.annotations = { 'cert-manager.io/cluster-issuer': issuer };
  const objects: K8sObject[] = [
    typed<IGatewayClass>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: {
        name: config.name,
        labels: recommendedLabels({
          name: config.name,
          instance: config.name,
          component: 'gateway',
          partOf: config.name,
        }),
      },
      spec: { controllerName: ENVOY_GATEWAY_CONTROLLER },
    }),
    typed<IGateway>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: gatewayMeta,
      spec: {
        gatewayClassName: config.name,
        infrastructure: {
          parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: envoyProxyName(config) },
        },
        listeners: [...listeners.values()],
      },
    }),
  ];
  objects.push(...redirects.map((r) => r.route));
  for (const e of exposures) {
    const svc = config.workloads.services.find((s) => s.name === e.service)!;
    const route = routeName(e, listenerName(e));
    objects.push(
      typed<IHTTPRoute>({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: workloadMeta(config, route, 'route', e.service),
        spec: {
          parentRefs: [{ name: gatewayName(config), sectionName: listenerName(e) }],
          hostnames: [e.host],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: e.path } }],
              backendRefs: [{ name: svc.name, port: svc.port }],
            },
          ],
        },
      }),
    );
    if (e.basicAuth) {
      objects.push({
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'SecurityPolicy',
        metadata: workloadMeta(config, `${route}-basic-auth`, 'route', e.service),
        spec: {
          targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: route }],
          basicAuth: { users: { name: e.basicAuth.secretName } },
        },
      });
    }
  }
  return objects;
}

function ingressObject(config: PlatformConfig, e: Exposure): K8sObject {
  const svc = config.workloads.services.find((s) => s.name === e.service)!;
  return typed<IIngress>({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: workloadMeta(
      config,
      `${e.service}-${e.host.replaceAll('.', '-')}`.slice(0, 63),
      'route',
      e.service,
    ),
    spec: {
      ...(e.ingressClassName ? { ingressClassName: e.ingressClassName } : {}),
      ...(e.tls ? { tls: [{ hosts: [e.host], secretName: e.tls.secretName }] } : {}),
      rules: [
        {
          host: e.host,
          http: {
            paths: [
              {
                path: e.path,
                pathType: 'Prefix',
                backend: { service: { name: svc.name, port: { number: svc.port } } },
              },
            ],
          },
        },
      ],
    },
  });
}

export function entryObjects(config: PlatformConfig): K8sObject[] {
  const viaGateway = config.exposure.filter((e) => e.via === 'gateway');
  const out = viaGateway.length > 0 ? gatewayObjects(config, viaGateway) : [];
  for (const e of config.exposure.filter((x) => x.via === 'ingress')) out.push(ingressObject(config, e));
  return out;
}

export function usesGateway(config: PlatformConfig): boolean {
  return config.exposure.some((e) => e.via === 'gateway');
}

/** The runbook's step that installs what serves the Gateway (the same on every target). */
export const ENVOY_GATEWAY_INSTALL =
  'Gateway API CRDs (standard channel) and Envoy Gateway (`helm install eg oci://docker.io/envoyproxy/gateway-helm -n envoy-gateway-system --create-namespace`).';

/** The EnvoyProxy binding (see envoyProxy) where the platform exposes anything through the Gateway. */
export function envoyProxies(
  config: PlatformConfig,
  service: { annotations: Record<string, string>; loadBalancerClass?: string },
): K8sObject[] {
  return usesGateway(config) ? [envoyProxy(config, service)] : [];
}

/** The binding a target renders for the Gateway: the Envoy Service as the provider's load balancer wants it. */
export function envoyProxy(
  config: PlatformConfig,
  service: { annotations: Record<string, string>; loadBalancerClass?: string },
): K8sObject {
  return {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: entryMeta(config, envoyProxyName(config), 'gateway'),
    spec: {
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          envoyService: {
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Local',
            ...(service.loadBalancerClass ? { loadBalancerClass: service.loadBalancerClass } : {}),
            annotations: service.annotations,
          },
        },
      },
    },
  };
}
