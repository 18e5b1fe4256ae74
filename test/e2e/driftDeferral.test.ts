import { VERIFIED_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { CallBudget } from '../../src/lattice/callBudget';
import { GW } from '../support/assertions';
import type { Harness } from '../support/harness';
import { routeProgrammed, routeWorld } from '../support/routeWorld';
import { httpRoute } from '../support/routeFixtures';

/** A budget whose business the test decides (besides its own tokens). */
class SwitchableBudget extends CallBudget {
  forcedBusy = false;
  override busy(): boolean {
    return this.forcedBusy || super.busy();
  }
}

const SPEC = {
  parentRefs: [{ name: 'edge', namespace: 'infra' }],
  rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
};
const routeRef = (name: string) => ({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name });

/**
 * A fleet whose drift checks come due while the AWS call budget is busy puts them off: the
 * budget goes to changes, and Metacontroller's workers are not held by verifications (driver +
 * emulator, the server's clock moved past the drift windows).
 */
describe('drift checks due while the call budget is busy', () => {
  let h: Harness;
  let skewMs = 0;
  const budget = new SwitchableBudget({ ratePerSecond: 1000, burst: 1000 });
  afterEach(async () => h.close());

  /** Every object re-synced (as by a periodic resync) at `skew` past the real clock; the AWS calls it took. */
  async function resyncAllAt(skewSeconds: number): Promise<Record<string, number>> {
    skewMs = skewSeconds * 1000;
    await h.admin.resetCalls();
    h.driver.resyncAll();
    await h.driver.runUntilStable({ timeoutMs: 60_000 });
    return (await h.admin.calls()).byOperation;
  }

  it('are deferred while it is busy, run once it is not, and run anyway one window late', async () => {
    // Windows of 300–600 s: at 601 s every route is due, and within one more window.
    h = await routeWorld({ transitionMs: 0, env: { DRIFT_CHECK_SECONDS: '600' }, budget, now: () => new Date(Date.now() + skewMs) });
    for (const name of ['r0', 'r1']) h.cluster.apply(httpRoute('apps', name, SPEC));
    await h.driver.runUntil(() => routeProgrammed(h, 'r0') && routeProgrammed(h, 'r1'), { timeoutMs: 60_000 });
    await h.driver.runUntilStable({ timeoutMs: 60_000 });
    const recorded = () => ['r0', 'r1'].map((n) => h.cluster.mustGet(routeRef(n)).metadata.annotations?.[VERIFIED_ANNOTATION]);
    const before = recorded();

    budget.forcedBusy = true;
    const syncsBefore = h.driver.callsTo('lattice-httproute', 'sync').length;
    expect(await resyncAllAt(601)).toEqual({});
    expect(h.driver.callsTo('lattice-httproute', 'sync').length).toBeGreaterThan(syncsBefore);
    expect(recorded()).toEqual(before);
    const metrics = await (await fetch(`${h.server.url}/metrics`)).text();
    expect(metrics).toMatch(/lattice_gw_syncs_from_records_total\{kind="HTTPRoute",record="deferred"\} [1-9]/);

    budget.forcedBusy = false;
    const idle = await resyncAllAt(601);
    expect(idle.GetService).toBeGreaterThanOrEqual(2);
    const reverified = recorded();
    expect(reverified).not.toEqual(before);

    // Busy for good: a verification is put off for one more window at most (601 + 1,201 s).
    budget.forcedBusy = true;
    expect((await resyncAllAt(601 + 1201)).GetService).toBeGreaterThanOrEqual(2);
    expect(recorded()).not.toEqual(reverified);
  }, 120_000);
});
