import { PROGRAMMED_CONDITION, VERIFIED_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW, statusOf, summary } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { endpointSlice, httpRoute, service } from '../support/routeFixtures';

/**
 * The last step of creating a route is waiting for its service-network association to become
 * ACTIVE. The pass that created it did everything else, so the syncs after it read the
 * association and nothing more (driver + emulator, the real SDK).
 */

const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' };
const SPEC = {
  parentRefs: [{ name: 'edge', namespace: 'infra' }],
  rules: [
    { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'api', port: 80 }] },
    { backendRefs: [{ name: 'web', port: 80 }] },
  ],
};

function programmed(h: Harness): boolean {
  const parents = (statusOf(h.cluster.get(routeRef)).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions)[PROGRAMMED_CONDITION] === 'True/Programmed';
}

async function world(env: Record<string, string> = {}): Promise<Harness> {
  // Lattice keeps what it creates CREATE_IN_PROGRESS for 300 ms: several syncs (50 ms apart) see the association coming.
  const h = await startHarness({ transitionMs: 300, env });
  installGatewayApi(h.cluster);
  await sharedNetworkGateway(h, 'infra', 'edge');
  h.cluster.apply(service('apps', 'api'));
  h.cluster.apply(service('apps', 'web'));
  h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2']));
  h.cluster.apply(endpointSlice('apps', 'web', ['10.0.2.1']));
  await h.driver.runUntilStable({ timeoutMs: 30_000 });
  return h;
}

/** Applies the route and runs until it is Programmed; returns the AWS calls made after the pass that created its association. */
async function callsAfterAssociating(h: Harness): Promise<Record<string, number>> {
  let associated = false;
  h.driver.afterEachCall = async () => {
    if (associated) return;
    associated = h.logs.some((l) => l.msg === 'route programmed' && (l.ops as string[] | undefined)?.includes('createAssociation'));
    if (associated) await h.admin.resetCalls();
  };
  h.cluster.apply(httpRoute('apps', 'shop', SPEC));
  await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
  h.driver.afterEachCall = undefined;
  expect(associated).toBe(true);
  return (await h.admin.calls()).byOperation;
}

async function metricLines(h: Harness, name: string): Promise<string[]> {
  const text = await (await fetch(`${h.server.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('a new route waiting only for its association', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('reads its associations and nothing else until they are ACTIVE, then is Programmed and verified', async () => {
    h = await world();
    const calls = await callsAfterAssociating(h);
    // At least one read found it still being created, the last one ACTIVE.
    expect(Object.keys(calls)).toEqual(['ListServiceNetworkServiceAssociations']);
    expect(calls.ListServiceNetworkServiceAssociations).toBeGreaterThanOrEqual(2);
    expect(h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFIED_ANNOTATION]).toBeDefined();
    const settled = await metricLines(h, 'lattice_gw_syncs_from_records_total');
    expect(settled).toContain('lattice_gw_syncs_from_records_total{kind="HTTPRoute",record="settled"} 1');
    expect(settled.some((l) => /record="still-waiting"} [1-9]/.test(l))).toBe(true);

    // Verified as a full pass would: the next Gateway change costs nothing.
    await h.admin.resetCalls();
    const gateway = h.cluster.mustGet({ group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' });
    h.cluster.apply({ ...gateway, metadata: { ...gateway.metadata, labels: { ...gateway.metadata.labels, team: 'edge' } } });
    await h.driver.runUntilStable();
    expect((await h.admin.calls()).total).toBe(0);
  }, 60_000);

  it('observes Lattice in full on every pass when converging passes are not kept (PENDING_RECHECK_MS=0)', async () => {
    h = await world({ PENDING_RECHECK_MS: '0' });
    const calls = await callsAfterAssociating(h);
    expect(calls.GetService).toBeGreaterThanOrEqual(1);
    expect(calls.ListRules).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
