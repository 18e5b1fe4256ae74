import type { KubeObject } from '../src/metacontroller/types';

/** Where the generated routes live; the Gateway is the demo's (`examples/demo/`). */
export const FLEET_NAMESPACE = 'bench';
const GATEWAY = { name: 'demo-network', namespace: 'infra' };

function service(name: string, addresses: readonly string[]): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: FLEET_NAMESPACE },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: FLEET_NAMESPACE, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
    },
  ];
}

/** Route `i` of the fleet: `/api` to its api Service, everything else to its web Service (a typical shape: 3 Lattice rules, 2 target groups). */
export function fleetRoute(i: number, extraRules: readonly unknown[] = []): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `app-${i}`, namespace: FLEET_NAMESPACE },
    spec: {
      parentRefs: [GATEWAY],
      rules: [
        ...extraRules,
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: `app-${i}-api`, port: 80 }] },
        { backendRefs: [{ name: `app-${i}-web`, port: 80 }] },
      ],
    },
  };
}

/** What a team applies for route `i`: its two Services with their EndpointSlices, then the route. */
export function fleetMember(i: number): KubeObject[] {
  const octet = (n: number) => `10.1.${i % 250}.${n}`;
  return [...service(`app-${i}-api`, [octet(10), octet(11)]), ...service(`app-${i}-web`, [octet(20), octet(21)]), fleetRoute(i)];
}

/**
 * `routes` HTTPRoutes on the demo Gateway, each with two Services of two endpoints: the objects a
 * team would apply, in dependency order (namespace, backends, routes).
 */
export function fleet(routes: number): KubeObject[] {
  const members = Array.from({ length: routes }, (_, i) => fleetMember(i));
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLEET_NAMESPACE } },
    ...members.flatMap((m) => m.filter((o) => o.kind !== 'HTTPRoute')),
    ...members.flatMap((m) => m.filter((o) => o.kind === 'HTTPRoute')),
  ];
}

/** Lattice's default quotas a fleet can reach (the emulator enforces them as AWS does). */
const DEFAULT_QUOTAS = { targetGroupsPerRegion: 500, serviceAssociationsPerServiceNetwork: 500, servicesPerRegion: 2000 };

/**
 * The account quotas a fleet of `routes` needs above Lattice's defaults (2 target groups and one
 * service associated with the one network per route), as an account gets them from a Service
 * Quotas increase; empty when the defaults do.
 */
export function fleetQuotas(routes: number): Partial<typeof DEFAULT_QUOTAS> {
  const needed = { targetGroupsPerRegion: 2 * routes, serviceAssociationsPerServiceNetwork: routes, servicesPerRegion: routes };
  const raised: Partial<typeof DEFAULT_QUOTAS> = {};
  for (const key of Object.keys(needed) as (keyof typeof DEFAULT_QUOTAS)[]) {
    // Headroom for resources still being deleted while new ones are made.
    if (needed[key] > DEFAULT_QUOTAS[key]) raised[key] = Math.ceil(needed[key] * 1.1);
  }
  return raised;
}
