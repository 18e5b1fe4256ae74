import { PROGRAMMED_CONDITION } from '../../src/gatewayapi/ourKeys';
import { GW, statusOf, summary } from './assertions';
import { type Harness, type HarnessOptions, installGatewayApi, sharedNetworkGateway, startHarness } from './harness';
import { endpointSlice, service } from './routeFixtures';

/**
 * The world an HTTPRoute of the fleet tests attaches to: the Gateway `infra/edge` on a shared
 * network, Service `apps/api` with two endpoints and `apps/web` with one.
 */
export async function routeWorld(options: HarnessOptions): Promise<Harness> {
  const h = await startHarness(options);
  installGatewayApi(h.cluster);
  await sharedNetworkGateway(h, 'infra', 'edge');
  h.cluster.apply(service('apps', 'api'));
  h.cluster.apply(service('apps', 'web'));
  h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2']));
  h.cluster.apply(endpointSlice('apps', 'web', ['10.0.2.1']));
  return h;
}

/** The fleet tests' HTTPRoute spec: `/api` to Service api, the rest to web (three Lattice rules: `/api` exact and prefix, and `/`). */
export const ROUTE_SPEC = {
  parentRefs: [{ name: 'edge', namespace: 'infra' }],
  rules: [
    { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'api', port: 80 }] },
    { backendRefs: [{ name: 'web', port: 80 }] },
  ],
};

/** Whether HTTPRoute `apps/<name>` is Programmed on its first parent. */
export function routeProgrammed(h: Harness, name: string): boolean {
  const route = h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name });
  const parents = (statusOf(route).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions)[PROGRAMMED_CONDITION] === 'True/Programmed';
}

/** Lets the driver run (resyncs included) until `check` holds, looking between runs. */
export async function waitFor(h: Harness, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Lattice was not repaired within ${timeoutMs / 1000} s`);
    await runFor(h, 250);
  }
}

/** Runs the driver's due work for about `ms` (runUntil returns at its timeout with an error we expect). */
export async function runFor(h: Harness, ms: number): Promise<void> {
  await h.driver.runUntil(() => false, { timeoutMs: ms }).catch(() => undefined);
}
