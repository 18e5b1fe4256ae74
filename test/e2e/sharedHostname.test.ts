import { CreateServiceNetworkCommand } from '@aws-sdk/client-vpc-lattice';
import { PROGRAMMED_CONDITION } from '../../src/gatewayapi/ourKeys';
import { GW, statusOf } from '../support/assertions';
import { type Harness, installGatewayApi, startHarness } from '../support/harness';
import { gateway } from '../support/objects';
import { endpointSlice, service } from '../support/routeFixtures';

const NS = 'gateway-conformance-infra';

function httpRoute(name: string, path: string, backend: string) {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ name: 'same-namespace' }],
      hostnames: ['example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ name: backend, port: 8080 }] }],
    },
  };
}

function conditions(h: Harness, name: string): Record<string, { status: string; reason: string; message: string }> {
  const parents =
    (statusOf(h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name })).parents as
      | { conditions: { type: string; status: string; reason: string; message: string }[] }[]
      | undefined) ?? [];
  return Object.fromEntries((parents[0]?.conditions ?? []).map((c) => [c.type, c]));
}

describe('routes sharing a hostname (upstream HTTPRouteMatchingAcrossRoutes), status', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('programs the first, and says truthfully that the second is not programmed and why; the second takes over when the first goes', async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'same-namespace' }));
    h.cluster.apply(gateway(NS, 'same-namespace', 'amazon-vpc-lattice', [{ name: 'http', protocol: 'HTTP', port: 80 }]));
    for (const name of ['infra-backend-v1', 'infra-backend-v2']) {
      h.cluster.apply(service(NS, name, [{ port: 8080, name: 'http' }]));
      h.cluster.apply(endpointSlice(NS, name, [`10.0.${name.length}.1`]));
    }
    h.cluster.apply(httpRoute('matching-part1', '/', 'infra-backend-v1'));
    await h.driver.runUntil(() => conditions(h, 'matching-part1')[PROGRAMMED_CONDITION]?.status === 'True');
    h.cluster.apply(httpRoute('matching-part2', '/v2', 'infra-backend-v2'));
    await h.driver.runUntil(() => conditions(h, 'matching-part2')[PROGRAMMED_CONDITION]?.reason === 'HostnameConflict');
    await h.driver.runUntilStable();

    const second = conditions(h, 'matching-part2');
    expect(second.Accepted).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(second[PROGRAMMED_CONDITION]).toMatchObject({ status: 'False', reason: 'HostnameConflict' });
    expect(second[PROGRAMMED_CONDITION]?.message).toContain('custom domain example.com is already served');
    expect(second[PROGRAMMED_CONDITION]?.message).toContain('matching-part1');
    expect(conditions(h, 'matching-part1')[PROGRAMMED_CONDITION]).toMatchObject({ status: 'True', reason: 'Programmed' });

    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part1' });
    await h.driver.runUntil(() => conditions(h, 'matching-part2')[PROGRAMMED_CONDITION]?.status === 'True');
  });
});
