import { CreateServiceNetworkCommand } from '@aws-sdk/client-vpc-lattice';
import { GW, statusOf, summary } from '../support/assertions';
import { type Harness, installGatewayApi, startHarness } from '../support/harness';
import { gateway } from '../support/objects';
import { endpointSlice, service } from '../support/routeFixtures';

const NS = 'gateway-conformance-infra';
const SELECTOR = {
  kinds: [{ kind: 'HTTPRoute' }],
  namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } },
};

function httpRoute(name: string, gatewayName: string, extra: Record<string, unknown> = {}, backend = 'infra-backend-v1') {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ kind: 'Gateway', name: gatewayName, namespace: NS }],
      rules: [{ backendRefs: [{ name: backend, port: 8080 }] }],
      ...extra,
    },
  };
}

function listener(h: Harness, gatewayName: string, name: string) {
  const entries =
    (statusOf(h.cluster.get({ group: GW, kind: 'Gateway', namespace: NS, name: gatewayName })).listeners as {
      name: string;
      attachedRoutes: number;
      conditions: unknown;
    }[]) ?? [];
  const entry = entries.find((l) => l.name === name);
  return { attachedRoutes: entry?.attachedRoutes, conditions: summary(entry?.conditions) };
}

function routeAccepted(h: Harness, name: string): string | undefined {
  const parents =
    (statusOf(h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name })).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions).Accepted;
}

describe('attachedRoutes counts accepted routes only (upstream GatewayWithAttachedRoutes)', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('counts attached, accepted routes per listener, also on a listener with an unresolved certificate, and never a refused route', async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    h.cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS } } });
    h.cluster.apply(service(NS, 'infra-backend-v1', [{ port: 8080, name: 'http' }]));
    h.cluster.apply(endpointSlice(NS, 'infra-backend-v1', ['10.0.0.1']));
    for (const name of [
      'gateway-with-one-attached-route',
      'gateway-with-two-attached-routes',
      'unresolved-gateway-with-one-attached-unresolved-route',
    ]) {
      await h.lattice.send(new CreateServiceNetworkCommand({ name }));
    }
    h.cluster.apply(
      gateway(NS, 'gateway-with-one-attached-route', 'amazon-vpc-lattice', [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: SELECTOR },
      ]),
    );
    h.cluster.apply(
      gateway(NS, 'gateway-with-two-attached-routes', 'amazon-vpc-lattice', [
        { name: 'http', port: 80, protocol: 'HTTP', hostname: 'foo.example.com', allowedRoutes: SELECTOR },
      ]),
    );
    h.cluster.apply(
      gateway(NS, 'unresolved-gateway-with-one-attached-unresolved-route', 'amazon-vpc-lattice', [
        {
          name: 'tls',
          port: 443,
          protocol: 'HTTPS',
          allowedRoutes: SELECTOR,
          tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'does-not-exist' }] },
        },
      ]),
    );
    h.cluster.apply(httpRoute('http-route-1', 'gateway-with-one-attached-route'));
    h.cluster.apply(httpRoute('http-route-2', 'gateway-with-two-attached-routes'));
    h.cluster.apply(httpRoute('http-route-3', 'gateway-with-two-attached-routes'));
    h.cluster.apply(httpRoute('http-route-not-accepted', 'gateway-with-two-attached-routes', { hostnames: ['not-accepted.test.com'] }));
    // Attached by every attachment rule, but every rule dropped (Lattice has no redirects): not Accepted, not counted.
    h.cluster.apply(
      httpRoute('http-route-all-rules-dropped', 'gateway-with-one-attached-route', {
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'elsewhere.example.com' } }] }],
      }),
    );
    h.cluster.apply({
      ...httpRoute('http-route-4', 'unresolved-gateway-with-one-attached-unresolved-route', {}, 'does-not-exist'),
      spec: {
        parentRefs: [{ name: 'unresolved-gateway-with-one-attached-unresolved-route', namespace: NS, sectionName: 'tls' }],
        rules: [{ backendRefs: [{ name: 'does-not-exist', port: 8080 }] }],
      },
    });
    await h.driver.runUntilStable();

    expect(routeAccepted(h, 'http-route-all-rules-dropped')).toBe('False/UnsupportedValue');
    expect(routeAccepted(h, 'http-route-not-accepted')).toBe('False/NoMatchingListenerHostname');
    expect(listener(h, 'gateway-with-one-attached-route', 'http')).toMatchObject({
      attachedRoutes: 1,
      conditions: { Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' },
    });
    expect(listener(h, 'gateway-with-two-attached-routes', 'http')).toMatchObject({
      attachedRoutes: 2,
      conditions: { Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' },
    });
    expect(routeAccepted(h, 'http-route-4')).toBe('True/Accepted');
    expect(listener(h, 'unresolved-gateway-with-one-attached-unresolved-route', 'tls')).toEqual({
      attachedRoutes: 1,
      conditions: { Accepted: 'True/Accepted', ResolvedRefs: 'False/InvalidCertificateRef', Programmed: 'False/Invalid' },
    });

    // A route that stops being accepted stops counting.
    h.cluster.apply(
      httpRoute('http-route-1', 'gateway-with-one-attached-route', {
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'x.example.com' } }] }],
      }),
    );
    await h.driver.runUntilStable();
    expect(listener(h, 'gateway-with-one-attached-route', 'http').attachedRoutes).toBe(0);
  });
});
