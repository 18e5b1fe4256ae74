import { GetRuleCommand, ListListenersCommand, ListRulesCommand, UpdateRuleCommand } from '@aws-sdk/client-vpc-lattice';
import { SERVICE_ARN_ANNOTATION, VERIFY_NOW_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW } from '../support/assertions';
import type { Harness } from '../support/harness';
import { httpRoute } from '../support/routeFixtures';
import { ROUTE_SPEC, routeProgrammed, routeWorld, runFor, waitFor } from '../support/routeWorld';

/**
 * ListRules gives neither a rule's match nor its action; the process remembers what it created
 * and read, by the rule's lastUpdatedAt, so that verifying a converged route lists its rules
 * instead of reading each (driver + emulator, the real SDK).
 */

const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' };
/** `/api` as two rules (exact and prefix), the rest as one. */
const RULES = 3;

async function converged(env: Record<string, string>): Promise<{ h: Harness; serviceArn: string; listenerId: string }> {
  const h = await routeWorld({ transitionMs: 0, env });
  h.cluster.apply(httpRoute('apps', 'shop', ROUTE_SPEC));
  await h.driver.runUntil(() => routeProgrammed(h, 'shop'), { timeoutMs: 30_000 });
  await h.driver.runUntilStable();
  const serviceArn = h.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
  const [listener] = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: serviceArn }))).items ?? [];
  return { h, serviceArn, listenerId: listener?.id ?? '' };
}

/** The path prefixes of the route's rules, read from the emulator's state (no API call to count). */
async function prefixes(h: Harness): Promise<string[]> {
  const rules = (await h.admin.state()).rules as {
    isDefault: boolean;
    match?: { httpMatch?: { pathMatch?: { match?: { prefix?: string } } } };
  }[];
  return rules.flatMap((r) => (r.isDefault ? [] : (r.match?.httpMatch?.pathMatch?.match?.prefix ?? []))).sort();
}

describe('rules remembered by their lastUpdatedAt', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('verifies a converged route without a Get per rule, and reads and restores the one rule changed out of band', async () => {
    // A 2 s drift window: the route verifies again every 1–2 s.
    const world = await converged({ DRIFT_CHECK_SECONDS: '2' });
    h = world.h;
    const { serviceArn, listenerId } = world;
    await h.admin.resetCalls();
    await waitFor(h, async () => ((await h.admin.calls()).byOperation.ListRules ?? 0) >= 2);
    // Two full verifications (each lists the rules): not one rule read.
    expect((await h.admin.calls()).byOperation.GetRule).toBeUndefined();

    // By hand: the /api prefix rule now matches /hijacked instead.
    const scope = { serviceIdentifier: serviceArn, listenerIdentifier: listenerId };
    const summaries = (await h.lattice.send(new ListRulesCommand(scope))).items ?? [];
    const reads = await Promise.all(
      summaries.filter((r) => !r.isDefault).map((r) => h.lattice.send(new GetRuleCommand({ ...scope, ruleIdentifier: r.id }))),
    );
    const victim = reads.find((r) => r.match?.httpMatch?.pathMatch?.match?.prefix?.startsWith('/api'));
    const original = victim?.match?.httpMatch?.pathMatch?.match?.prefix ?? '';
    expect(original).toMatch(/^\/api/);
    const match = { httpMatch: { ...victim?.match?.httpMatch, pathMatch: { match: { prefix: '/hijacked' }, caseSensitive: true } } };
    await h.lattice.send(new UpdateRuleCommand({ ...scope, ruleIdentifier: victim?.id, match }));
    expect(await prefixes(h)).toContain('/hijacked');
    await h.admin.resetCalls();

    await waitFor(h, async () => !(await prefixes(h)).includes('/hijacked'));
    expect(await prefixes(h)).toContain(original);
    // The changed rule is read (and after its repair once more); the unchanged ones never.
    await runFor(h, 3000);
    const calls = (await h.admin.calls()).byOperation;
    expect(calls.ListRules).toBeGreaterThanOrEqual(3);
    expect(calls.GetRule).toBeGreaterThanOrEqual(1);
    expect(calls.GetRule).toBeLessThanOrEqual(2);
  }, 90_000);

  it('reads every rule again on verify-now', async () => {
    const world = await converged({ DRIFT_CHECK_SECONDS: '86400' });
    h = world.h;
    await h.admin.resetCalls();
    const route = h.cluster.mustGet(routeRef);
    h.cluster.apply({
      ...route,
      metadata: { ...route.metadata, annotations: { ...route.metadata.annotations, [VERIFY_NOW_ANNOTATION]: 'now' } },
    });
    await h.driver.runUntilStable();
    const calls = (await h.admin.calls()).byOperation;
    expect([calls.ListRules, calls.GetRule]).toEqual([1, RULES]);
    expect(h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFY_NOW_ANNOTATION]).toBeUndefined();
  }, 60_000);
});
