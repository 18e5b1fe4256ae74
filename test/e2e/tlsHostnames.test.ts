import { CreateServiceNetworkCommand, GetServiceCommand, ListListenersCommand } from '@aws-sdk/client-vpc-lattice';
import { PROGRAMMED_CONDITION, SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW, statusOf, summary } from '../support/assertions';
import { type Harness, installGatewayApi, startHarness } from '../support/harness';
import { gateway } from '../support/objects';
import { counts, endpointSlice, service } from '../support/routeFixtures';

const NS = 'gateway-conformance-infra';

function tlsRoute(name: string, gatewayName: string, hostnames: string[]) {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'TLSRoute',
    metadata: { name, namespace: NS },
    spec: { parentRefs: [{ name: gatewayName }], hostnames, rules: [{ backendRefs: [{ name: 'tls-backend', port: 443 }] }] },
  };
}

function parentOf(h: Harness, name: string): Record<string, string> {
  const parents =
    (statusOf(h.cluster.get({ group: GW, kind: 'TLSRoute', namespace: NS, name })).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions);
}

describe('TLSRoute hostname intersection, end to end (upstream TLSRouteHostnameIntersection)', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('takes the custom domain from the listener where the route names a wildcard, and refuses a route left with wildcards only', async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    for (const [name, hostname] of [
      ['gw-tlsroute-exact-hostname-x-1', 'abc.example.com'],
      ['gw-tlsroute-more-specific-wc-hostname-x-2', '*.example.com'],
    ] as const) {
      await h.lattice.send(new CreateServiceNetworkCommand({ name }));
      h.cluster.apply(
        gateway(NS, name, 'amazon-vpc-lattice', [{ name: 'tls', protocol: 'TLS', port: 443, hostname, tls: { mode: 'Passthrough' } }]),
      );
    }
    h.cluster.apply(service(NS, 'tls-backend', [{ port: 443, name: 'tls' }]));
    h.cluster.apply(endpointSlice(NS, 'tls-backend', ['10.0.0.9'], 443, 'tls'));
    h.cluster.apply(tlsRoute('tlsroute-more-specific-wc-hostname-x-1', 'gw-tlsroute-exact-hostname-x-1', ['*.example.com']));
    h.cluster.apply(tlsRoute('tlsroute-less-specific-wc-hostname-x-2', 'gw-tlsroute-more-specific-wc-hostname-x-2', ['*.com']));
    await h.driver.runUntil(() => parentOf(h, 'tlsroute-more-specific-wc-hostname-x-1')[PROGRAMMED_CONDITION] === 'True/Programmed');
    await h.driver.runUntilStable();

    expect(parentOf(h, 'tlsroute-more-specific-wc-hostname-x-1')).toMatchObject({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'True/ResolvedRefs',
    });
    const arn =
      h.cluster.mustGet({ group: GW, kind: 'TLSRoute', namespace: NS, name: 'tlsroute-more-specific-wc-hostname-x-1' }).metadata
        .annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
    expect(await h.lattice.send(new GetServiceCommand({ serviceIdentifier: arn }))).toMatchObject({ customDomainName: 'abc.example.com' });
    const listeners = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: arn }))).items ?? [];
    expect(listeners.map((l) => [l.port, l.protocol])).toEqual([[443, 'TLS_PASSTHROUGH']]);

    const refused = parentOf(h, 'tlsroute-less-specific-wc-hostname-x-2');
    expect(refused.Accepted).toBe('False/UnsupportedValue');
    expect(refused[PROGRAMMED_CONDITION]).toBeUndefined();
    expect(counts(await h.admin.state()).services).toBe(1);
  });
});
