import { attachToGateway, attachmentsToGateway } from '../../../src/gatewayapi/attachment';
import { analyzeListeners } from '../../../src/gatewayapi/listeners';
import { normalizeParentRef } from '../../../src/gatewayapi/parentRefs';
import { acceptedFor } from '../../../src/gatewayapi/routeAcceptance';
import type { AnyRoute, Gateway } from '../../../src/gatewayapi/types';
import type { KubeObject } from '../../../src/metacontroller/types';
import { gateway, route } from '../../support/objects';

const gw = gateway('infra', 'edge', 'lattice', [
  { name: 'http', protocol: 'HTTP', port: 80, hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
  { name: 'same', protocol: 'HTTP', port: 8080 },
  { name: 'tls', protocol: 'TLS', port: 443, tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } },
  {
    name: 'sel',
    protocol: 'HTTP',
    port: 9090,
    allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { env: 'prod' } } } },
  },
]) as Gateway;
const analyses = analyzeListeners(gw);
const namespaces: Record<string, KubeObject> = {
  prod: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } },
  dev: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { env: 'dev' } } },
};
const lookup = (name: string) => namespaces[name];

function attach(r: KubeObject, ref: Record<string, unknown>) {
  const typed = r as AnyRoute;
  return attachToGateway(
    typed,
    normalizeParentRef({ name: 'edge', namespace: 'infra', ...ref }, typed.metadata.namespace ?? ''),
    gw,
    analyses,
    lookup,
  );
}

describe('attachment', () => {
  it('refuses a GRPCRoute on an HTTP listener without GRPCRoute in its kinds (the upstream GRPCRoute tests), saying why', () => {
    const result = attach(route('GRPCRoute', 'prod', 'g', []), { sectionName: 'http' });
    expect(result.reason).toBe('NotAllowedByListeners');
    expect(result.message).toContain('negotiates HTTP/2, which gRPC needs, with ALPN on HTTPS listeners');
    // Other refusals keep the plain message.
    expect(attach(route('HTTPRoute', 'prod', 'h', []), { sectionName: 'tls' }).message).not.toContain('gRPC');
  });

  it('attaches to every relevant listener that admits the route', () => {
    const result = attach(route('HTTPRoute', 'prod', 'r', []), {});
    expect(result.reason).toBe('Accepted');
    expect(result.listeners.map((l) => l.analysis.listener.name)).toEqual(['http', 'sel']);
  });

  it.each([
    [{ sectionName: 'nope' }, 'NoMatchingParent'],
    [{ port: 81 }, 'NoMatchingParent'],
    [{ sectionName: 'http', port: 8080 }, 'NoMatchingParent'],
    [{ sectionName: 'same' }, 'NotAllowedByListeners'],
    [{ sectionName: 'tls' }, 'NotAllowedByListeners'],
    [{ port: 80 }, 'Accepted'],
    [{ sectionName: 'http', port: 80 }, 'Accepted'],
  ])('parentRef %j from namespace prod → %s', (ref, reason) => {
    expect(attach(route('HTTPRoute', 'prod', 'r', []), ref).reason).toBe(reason);
  });

  it('refuses routes whose hostnames intersect no listener, and narrows hostnames per listener', () => {
    const elsewhere = { ...route('HTTPRoute', 'dev', 'r', []), spec: { hostnames: ['shop.example.org'] } };
    expect(attach(elsewhere, { sectionName: 'http' })).toMatchObject({ reason: 'NoMatchingListenerHostname' });
    const matching = { ...route('HTTPRoute', 'dev', 'r', []), spec: { hostnames: ['shop.example.com', 'shop.example.org'] } };
    expect(attach(matching, { sectionName: 'http' }).listeners[0]?.hostnames).toEqual(['shop.example.com']);
  });

  it('admits namespaces by Same, All and Selector', () => {
    expect(attach(route('HTTPRoute', 'infra', 'r', []), { sectionName: 'same' }).reason).toBe('Accepted');
    expect(attach(route('HTTPRoute', 'dev', 'r', []), { sectionName: 'sel' }).reason).toBe('NotAllowedByListeners');
    expect(attach(route('HTTPRoute', 'unknown-ns', 'r', []), { sectionName: 'sel' }).reason).toBe('NotAllowedByListeners');
    expect(attach(route('TLSRoute', 'dev', 't', []), { sectionName: 'tls' }).reason).toBe('Accepted');
  });

  it('counts each route once per listener, skipping deleting routes and other Gateways; lists the routes that attach', () => {
    const routes = [
      route('HTTPRoute', 'prod', 'a', [
        { name: 'edge', namespace: 'infra' },
        { name: 'edge', namespace: 'infra', sectionName: 'http' },
      ]),
      route('HTTPRoute', 'infra', 'b', [{ name: 'edge', sectionName: 'same' }]),
      route('HTTPRoute', 'prod', 'c', [{ name: 'other', namespace: 'infra' }]),
      {
        ...route('HTTPRoute', 'prod', 'd', [{ name: 'edge', namespace: 'infra' }]),
        metadata: { name: 'd', namespace: 'prod', deletionTimestamp: '2026-01-01T00:00:00Z' },
      },
      route('TLSRoute', 'prod', 't', [{ name: 'edge', namespace: 'infra' }]),
    ] as AnyRoute[];
    const { attachedRoutes, attached } = attachmentsToGateway(gw, analyses, routes, lookup);
    expect(Object.fromEntries(attachedRoutes)).toEqual({ http: 1, same: 1, tls: 1, sel: 1 });
    // A deleting route still attaches: only the count leaves it out.
    expect(attached.map((r) => r.metadata.name)).toEqual(['a', 'b', 'd', 't']);
  });

  it('counts only routes whose status says Accepted=True for that parentRef (the last written one, also while a new generation syncs)', () => {
    const withStatus = (name: string, sectionName: string | undefined, status: string, observedGeneration = 1, generation = 1) => {
      const parentRef = { name: 'edge', namespace: 'infra', ...(sectionName ? { sectionName } : {}) };
      const r = route('HTTPRoute', 'prod', name, [parentRef]);
      r.metadata.generation = generation;
      return {
        ...r,
        status: {
          parents: [
            {
              controllerName: 'ours',
              parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', ...parentRef },
              conditions: [{ type: 'Accepted', status, reason: 'x', observedGeneration }],
            },
          ],
        },
      } as AnyRoute;
    };
    const routes = [
      withStatus('accepted', 'http', 'True'),
      withStatus('dropped-all-rules', 'http', 'False'),
      withStatus('stale', 'http', 'True', 1, 2),
      withStatus('other-section', 'sel', 'True'),
      route('HTTPRoute', 'prod', 'never-synced', [{ name: 'edge', namespace: 'infra', sectionName: 'http' }]) as AnyRoute,
    ];
    const { attachedRoutes, attached } = attachmentsToGateway(gw, analyses, routes, lookup, (r, ref) => acceptedFor(r, ref, 'ours'));
    expect(Object.fromEntries(attachedRoutes)).toEqual({ http: 2, same: 0, tls: 0, sel: 1 });
    // Attaching is the Gateway's rules alone: a route its own status does not call Accepted still attaches.
    expect(attached).toHaveLength(routes.length);
    // Another controller's entry does not count.
    expect(
      acceptedFor(routes[0] as AnyRoute, normalizeParentRef({ name: 'edge', namespace: 'infra', sectionName: 'http' }, 'prod'), 'theirs'),
    ).toBe(false);
  });
});
