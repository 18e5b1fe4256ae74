import { GetTargetGroupCommand, ListTargetsCommand } from '@aws-sdk/client-vpc-lattice';
import { PROGRAMMED_CONDITION } from '../../src/gatewayapi/ourKeys';
import { SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW, OURS, statusOf, summary, writeCalls } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { endpointSlice, httpRoute, latticeView, service } from '../support/routeFixtures';

const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'web' };

function policy(name: string, spec: Record<string, unknown>, targetName = 'web') {
  return {
    apiVersion: `${OURS}/v1alpha1`,
    kind: 'TargetGroupPolicy',
    metadata: { name, namespace: 'apps' },
    spec: { targetRef: { group: '', kind: 'Service', name: targetName }, ...spec },
  };
}

function programmed(h: Harness): boolean {
  const parents = (statusOf(h.cluster.get(routeRef)).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions)[PROGRAMMED_CONDITION] === 'True/Programmed';
}

function policyConditions(h: Harness, name: string) {
  return summary(statusOf(h.cluster.get({ group: OURS, kind: 'TargetGroupPolicy', namespace: 'apps', name })).conditions);
}

describe('TargetGroupPolicy, end to end', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    await sharedNetworkGateway(h, 'infra', 'edge');
    h.cluster.apply(service('apps', 'web'));
    h.cluster.apply(endpointSlice('apps', 'web', ['10.0.0.1', '10.0.0.2']));
    h.cluster.apply(
      httpRoute('apps', 'web', {
        parentRefs: [{ name: 'edge', namespace: 'infra' }],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
      }),
    );
    await h.driver.runUntil(() => programmed(h));
    await h.driver.runUntilStable();
  });
  afterEach(async () => h.close());

  async function forwardedGroups(): Promise<string[]> {
    const arn = h.cluster.get(routeRef)?.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
    if (!arn) return [];
    const rules = (await latticeView(h.lattice, arn)).listeners[0]?.rules ?? [];
    return rules.flatMap((r) =>
      ((r.action as { forward?: { targetGroups?: { targetGroupIdentifier: string }[] } }).forward?.targetGroups ?? []).map(
        (t) => t.targetGroupIdentifier,
      ),
    );
  }

  it('updates the health check in place', async () => {
    const [before] = await forwardedGroups();
    await h.admin.resetCalls();
    h.cluster.apply(
      policy('hc', { healthCheck: { path: '/ready', intervalSeconds: 10, healthyThresholdCount: 3, statusMatch: '200-299' } }),
    );
    await h.driver.runUntilStable();
    expect(policyConditions(h, 'hc')).toEqual({ Accepted: 'True/Accepted' });
    expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({ UpdateTargetGroup: 1 });
    const group = await h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: before }));
    expect(group.config?.healthCheck).toMatchObject({
      path: '/ready',
      healthCheckIntervalSeconds: 10,
      healthyThresholdCount: 3,
      matcher: { httpCode: '200-299' },
    });
    expect(await forwardedGroups()).toEqual([before]);
  });

  it('replaces the target group for a new protocol version without a moment where the rule points at an empty group', async () => {
    const [before] = await forwardedGroups();
    const violations: string[] = [];
    h.driver.afterEachCall = async () => {
      for (const id of await forwardedGroups()) {
        const targets = (await h.lattice.send(new ListTargetsCommand({ targetGroupIdentifier: id }))).items ?? [];
        if (!targets.some((t) => t.status !== 'DRAINING')) violations.push(`rule forwards to ${id}, which has no registered target`);
      }
    };
    h.cluster.apply(policy('h2', { protocolVersion: 'HTTP2' }));
    await h.driver.runUntil(() => programmed(h) && h.driver.calls.length > 0);
    await h.driver.runUntilStable();
    h.driver.afterEachCall = undefined;
    const [after] = await forwardedGroups();
    expect(after).not.toBe(before);
    expect((await h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: after }))).config).toMatchObject({
      protocolVersion: 'HTTP2',
    });
    expect(violations).toEqual([]);
    await expect(h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: before }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('reports Conflicted, TargetNotFound and Invalid policies, and applies only the winner', async () => {
    // The younger policy sorts first by name: only its age can make it lose.
    h.cluster.apply(policy('zz-older', { healthCheck: { path: '/older' } }));
    await h.driver.runUntilStable();
    h.cluster.apply(policy('aa-younger', { healthCheck: { path: '/younger' } }));
    h.cluster.apply(policy('nowhere', {}, 'missing'));
    h.cluster.apply(policy('bad', { protocolVersion: 'HTTP3' }, 'other'));
    h.cluster.apply({ ...policy('kind', {}), spec: { targetRef: { group: GW, kind: 'HTTPRoute', name: 'web' } } });
    await h.driver.runUntilStable();
    expect(policyConditions(h, 'zz-older')).toEqual({ Accepted: 'True/Accepted' });
    expect(policyConditions(h, 'aa-younger')).toEqual({ Accepted: 'False/Conflicted' });
    expect(policyConditions(h, 'nowhere')).toEqual({ Accepted: 'False/TargetNotFound' });
    expect(policyConditions(h, 'kind')).toEqual({ Accepted: 'False/Invalid' });
    expect(policyConditions(h, 'bad')).toEqual({ Accepted: 'False/Invalid' });
    const [group] = await forwardedGroups();
    expect((await h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: group }))).config?.healthCheck?.path).toBe('/older');
  });
});
