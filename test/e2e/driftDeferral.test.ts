import { ORPHAN_SWEEP_REQUEST_ANNOTATION } from '../../src/controllers/orphans';
import { VERIFIED_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import type { KubeObject } from '../../src/metacontroller/types';
import { CallBudget } from '../../src/lattice/callBudget';
import { refOf } from '../../tools/metacontroller/refs';
import { allConverged, fleetObjects } from '../support/fleet';
import { type Harness, installGatewayApi, metric, startHarness } from '../support/harness';

/** A budget whose business the test decides (besides its own tokens). */
class SwitchableBudget extends CallBudget {
  forcedBusy = false;
  override busy(): boolean {
    return this.forcedBusy || super.busy();
  }
}

const DAY = 86_400;
/** Every kind of the demo's infrastructure and fleet that records verifications. */
const VERIFYING_KINDS = ['HTTPRoute', 'Gateway', 'ServiceNetwork', 'VpcAssociationPolicy'];

/**
 * A fleet whose drift checks come due while the AWS call budget is busy puts them off: the
 * budget goes to changes, and Metacontroller's workers are not held by verifications (driver +
 * emulator, the demo's infrastructure and two routes, the server's clock moved past the windows).
 */
describe('housekeeping due while the call budget is busy: drift checks and the orphan sweep', () => {
  let h: Harness;
  let skewMs = 0;
  const budget = new SwitchableBudget({ ratePerSecond: 1000, burst: 1000 });
  afterEach(async () => h.close());

  /** Every object re-synced (as by a periodic resync) `skewSeconds` after now; the AWS calls it took. */
  async function resyncAllAt(skewSeconds: number): Promise<Record<string, number>> {
    skewMs = skewSeconds * 1000;
    await h.admin.resetCalls();
    h.driver.resyncAll();
    await h.driver.runUntilStable({ timeoutMs: 60_000 });
    return (await h.admin.calls()).byOperation;
  }

  /** The demo's infrastructure and `routes` routes, converged with the budget free and the clock right. */
  async function convergedFleet(env: Record<string, string>, routes: number): Promise<KubeObject[]> {
    budget.forcedBusy = false;
    skewMs = 0;
    h = await startHarness({ transitionMs: 0, env, budget, now: () => new Date(Date.now() + skewMs) });
    installGatewayApi(h.cluster);
    const objects = fleetObjects(routes);
    for (const object of objects) h.cluster.apply(object);
    await h.driver.runUntil(() => allConverged(h.cluster, objects), { timeoutMs: 60_000 });
    await h.driver.runUntilStable({ timeoutMs: 60_000 });
    return objects;
  }

  it('are deferred while it is busy, run once it is not, and run anyway one window late', async () => {
    // Windows of 43,200–86,399 s, fixed per object by its random uid: a day after its verification
    // every object is due and, but for a window within seconds of the shortest, still within one
    // more window (so the test does not depend on the uids drawn). The orphan collector, whose
    // period a day also passes, is off: it is not a verification.
    const objects = await convergedFleet({ DRIFT_CHECK_SECONDS: String(DAY), ORPHAN_SWEEP_SECONDS: '0' }, 2);
    const routes = objects.filter((o) => o.kind === 'HTTPRoute').map(refOf);
    const recorded = () => routes.map((ref) => h.cluster.mustGet(ref).metadata.annotations?.[VERIFIED_ANNOTATION]);
    const before = recorded();
    expect(before.every((r) => r !== undefined)).toBe(true);

    budget.forcedBusy = true;
    const syncsBefore = h.driver.callsTo('lattice-httproute', 'sync').length;
    expect(await resyncAllAt(DAY)).toEqual({});
    expect(h.driver.callsTo('lattice-httproute', 'sync').length).toBeGreaterThan(syncsBefore);
    expect(recorded()).toEqual(before);
    for (const kind of VERIFYING_KINDS)
      expect(await metric(h, `lattice_gw_syncs_from_records_total{kind="${kind}",record="deferred"}`)).toBeGreaterThan(0);

    budget.forcedBusy = false;
    const idle = await resyncAllAt(DAY);
    expect(idle.GetService).toBeGreaterThanOrEqual(2);
    expect(idle.GetServiceNetwork).toBeGreaterThanOrEqual(1);
    const reverified = recorded();
    expect(reverified).not.toEqual(before);

    // Busy for good: a verification is put off for one more window at most (two days after the last).
    budget.forcedBusy = true;
    const late = await resyncAllAt(3 * DAY);
    expect(late.GetService).toBeGreaterThanOrEqual(2);
    expect(late.GetServiceNetwork).toBeGreaterThanOrEqual(1);
    expect(recorded()).not.toEqual(reverified);
  }, 120_000);

  it('the orphan sweep, due by its period, waits too, for one period at most', async () => {
    // Drift windows of a day or more stay out of the way: only the sweep (hourly) comes due.
    const objects = await convergedFleet({ DRIFT_CHECK_SECONDS: String(DAY), ORPHAN_SWEEP_SECONDS: '3600' }, 1);
    // The process's first sweep ran at its first check, with the budget free.
    const sweeps = () => h.logs.filter((l) => l.event === 'orphan-sweep').length;
    expect(sweeps()).toBeGreaterThan(0);
    const swept = sweeps();

    budget.forcedBusy = true;
    expect(await resyncAllAt(3600 + 60)).toEqual({});
    expect(sweeps()).toBe(swept);
    expect(await metric(h, 'lattice_gw_orphan_sweeps_total{outcome="deferred"}')).toBeGreaterThan(0);

    // A period late, it sweeps however busy the budget.
    expect((await resyncAllAt(2 * 3600 + 60)).ListServices).toBeGreaterThanOrEqual(1);
    expect(sweeps()).toBe(swept + 1);

    // A sweep asked for never waits.
    const gatewayClass = h.cluster.mustGet(refOf(objects.find((o) => o.kind === 'GatewayClass') as KubeObject));
    const annotations = { ...gatewayClass.metadata.annotations, [ORPHAN_SWEEP_REQUEST_ANNOTATION]: 'now' };
    h.cluster.apply({ ...gatewayClass, metadata: { ...gatewayClass.metadata, annotations } });
    await h.driver.runUntilStable({ timeoutMs: 60_000 });
    expect(sweeps()).toBe(swept + 2);
  }, 120_000);
});
