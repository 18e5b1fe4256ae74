import {
  DeleteServiceNetworkVpcAssociationCommand,
  DeleteAccessLogSubscriptionCommand,
  DeleteAuthPolicyCommand,
  DeleteServiceNetworkCommand,
  GetAuthPolicyCommand,
  DeleteListenerCommand,
  DeleteRuleCommand,
  DeleteServiceCommand,
  DeleteTargetGroupCommand,
  ListListenersCommand,
  ListRulesCommand,
  DeleteServiceNetworkServiceAssociationCommand,
  GetServiceCommand,
  ListServiceNetworkServiceAssociationsCommand,
} from '@aws-sdk/client-vpc-lattice';
import { SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { PROGRAMMED_CONDITION } from '../../src/gatewayapi/ourKeys';
import { SUBSCRIPTION_ARN_ANNOTATION } from '../../src/controllers/accessLogPolicy';
import { recordedTargetGroups } from '../../src/controllers/targetGroupRecord';
import { ASSOCIATION_ARN_ANNOTATION } from '../../src/controllers/vpcAssociationPolicy';
import type { AnyRoute } from '../../src/gatewayapi/types';
import { condition, conditionsOf, GW, statusOf, summary } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { endpointSlice, httpRoute, service } from '../support/routeFixtures';

/** Out-of-band deletions: what the controller recorded is gone; the next sync repairs or clears it. */

const routeRef = (name: string) => ({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name });
const NO_DRIFT_WINDOW = { DRIFT_CHECK_SECONDS: '0' };

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function gone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return true;
    throw error;
  }
}

describe('resources deleted out of band are treated as absent (driver + emulator)', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ env: NO_DRIFT_WINDOW });
    installGatewayApi(h.cluster);
    await sharedNetworkGateway(h, 'infra', 'edge');
    h.cluster.apply(service('apps', 'api'));
    h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1']));
  });
  afterEach(async () => h.close());

  function parentConditions(name: string) {
    const parents = (statusOf(h.cluster.get(routeRef(name))).parents as { conditions: unknown }[] | undefined) ?? [];
    return parents[0]?.conditions;
  }
  const programmed = (name: string) => summary(parentConditions(name))[PROGRAMMED_CONDITION] === 'True/Programmed';
  const recordedGroups = (name: string) => recordedTargetGroups(h.cluster.mustGet(routeRef(name)) as AnyRoute);
  const serviceArnOf = (name: string) => h.cluster.mustGet(routeRef(name)).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';

  async function programmedRoute(name: string): Promise<string> {
    h.cluster.apply(
      httpRoute('apps', name, {
        parentRefs: [{ name: 'edge', namespace: 'infra' }],
        rules: [{ backendRefs: [{ name: 'api', port: 80 }] }],
      }),
    );
    await h.driver.runUntil(() => programmed(name));
    await h.driver.runUntilStable();
    return serviceArnOf(name);
  }

  /** As a person would in the console: the associations first (Lattice insists), then the service. */
  async function deleteService(arn: string): Promise<void> {
    const associations = (await h.lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: arn }))).items ?? [];
    for (const a of associations)
      await h.lattice.send(new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: a.arn }));
    await until(
      async () =>
        ((await h.lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: arn }))).items ?? []).length === 0,
    );
    await h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: arn }));
  }

  const programmedMessage = (name: string) => condition(parentConditions(name), PROGRAMMED_CONDITION)?.message ?? '';
  const noFailedHook = () =>
    expect(h.driver.calls.filter((c) => c.statusCode >= 500).map((c) => `${c.controller}/${c.hook} ${c.object}`)).toEqual([]);

  /** Resyncs (as Metacontroller's periodic resync would) until the route is programmed again. */
  async function repaired(name: string, seen: (message: string) => boolean = () => true): Promise<string[]> {
    const messages: string[] = [];
    h.driver.resyncAll();
    await h.driver.runUntil(
      () => {
        messages.push(programmedMessage(name));
        return programmed(name) && messages.some(seen);
      },
      { timeoutMs: 8000 },
    );
    await h.driver.runUntilStable();
    noFailedHook();
    return messages;
  }

  it("recreates a route's service deleted by hand and says so in the route's status", async () => {
    const first = await programmedRoute('shop');
    await deleteService(first);
    await until(() => gone(() => h.lattice.send(new GetServiceCommand({ serviceIdentifier: first }))));

    await repaired('shop', (m) => m.includes(`the recorded Lattice service ${first} no longer exists`));
    const second = serviceArnOf('shop');
    expect(second).not.toBe(first);
    const state = await h.admin.state();
    expect(state.services.map((s) => s.arn)).toEqual([second]);
    expect(state.serviceNetworkServiceAssociations).toHaveLength(1);
    expect(state.listeners).toHaveLength(1);
    expect(state.targetGroups).toHaveLength(1);
  });

  it('recreates the service and its target groups removed by a clean-up script', async () => {
    const first = await programmedRoute('shop');
    const groups = (await h.admin.state()).targetGroups.map((g) => g.arn as string);
    await deleteService(first);
    await until(() => gone(() => h.lattice.send(new GetServiceCommand({ serviceIdentifier: first }))));
    for (const arn of groups) await h.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: arn }));
    await until(async () => (await h.admin.state()).targetGroups.length === 0);

    await repaired('shop', (m) => m.includes(`recorded target group ${groups[0]} no longer exists`));
    const state = await h.admin.state();
    expect(state.services).toHaveLength(1);
    expect(state.targetGroups).toHaveLength(1);
    expect(state.targetGroups[0]?.arn).not.toBe(groups[0]);
    expect(recordedGroups('shop')).toEqual([state.targetGroups[0]?.arn]);
    const rules = state.rules.filter((r) => !r.isDefault);
    expect(JSON.stringify(rules.map((r) => r.action))).toContain(state.targetGroups[0]?.id as string);
  });

  it('recreates a listener, a rule and an association deleted by hand', async () => {
    const arn = await programmedRoute('shop');
    const listeners = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: arn }))).items ?? [];
    const rules =
      (await h.lattice.send(new ListRulesCommand({ serviceIdentifier: arn, listenerIdentifier: listeners[0]?.id }))).items ?? [];
    const rule = rules.find((r) => !r.isDefault);
    await h.lattice.send(new DeleteRuleCommand({ serviceIdentifier: arn, listenerIdentifier: listeners[0]?.id, ruleIdentifier: rule?.id }));
    await repaired('shop');
    const again = (
      (await h.lattice.send(new ListRulesCommand({ serviceIdentifier: arn, listenerIdentifier: listeners[0]?.id }))).items ?? []
    ).filter((r) => !r.isDefault);
    expect(again).toHaveLength(1);
    expect(again[0]?.id).not.toBe(rule?.id);

    await h.lattice.send(new DeleteListenerCommand({ serviceIdentifier: arn, listenerIdentifier: listeners[0]?.id }));
    await repaired('shop');
    const listenersAgain = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: arn }))).items ?? [];
    expect(listenersAgain.map((l) => l.port)).toEqual([80]);
    expect(listenersAgain[0]?.id).not.toBe(listeners[0]?.id);
    expect(
      (
        (await h.lattice.send(new ListRulesCommand({ serviceIdentifier: arn, listenerIdentifier: listenersAgain[0]?.id }))).items ?? []
      ).filter((r) => !r.isDefault),
    ).toHaveLength(1);

    const associations = (await h.lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: arn }))).items ?? [];
    await h.lattice.send(
      new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: associations[0]?.arn }),
    );
    await until(async () => (await h.admin.state()).serviceNetworkServiceAssociations.length === 0);
    await repaired('shop');
    const state = await h.admin.state();
    expect(state.serviceNetworkServiceAssociations.map((a) => a.arn)).not.toContain(associations[0]?.arn);
    expect(state.serviceNetworkServiceAssociations).toHaveLength(1);
  });

  it('a route whose service is deleted by hand while a pass reads it is programmed again, without a failed hook', async () => {
    const first = await programmedRoute('shop');
    const associations = (await h.lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: first }))).items ?? [];
    for (const a of associations)
      await h.lattice.send(new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: a.arn }));
    await until(async () => (await h.admin.state()).serviceNetworkServiceAssociations.length === 0);
    // The next pass reads the service, then waits 300 ms to list its listeners; meanwhile the service goes.
    await h.admin.addFault({ operation: 'ListListeners', delayMs: 300, times: 1 });
    const deleted = new Promise((resolve) => setTimeout(resolve, 100)).then(() =>
      h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: first })),
    );
    await repaired('shop', (m) => m.includes(`the recorded Lattice service ${first} no longer exists`));
    await deleted;
    expect(serviceArnOf('shop')).not.toBe(first);
    expect((await h.admin.state()).services.map((s) => s.arn)).toEqual([serviceArnOf('shop')]);
  });

  it('a route whose service is being deleted by hand waits, then is programmed again', async () => {
    const first = await programmedRoute('shop');
    await h.admin.config({ transitionMs: 300 });
    await deleteService(first);
    // Programmed until the first sync after the deletion: the route must say it waits, then be programmed again.
    await repaired('shop', (m) => m.includes(`the recorded Lattice service ${first} is being deleted outside the controller`));
    expect(serviceArnOf('shop')).not.toBe(first);
    expect((await h.admin.state()).services.map((s) => s.arn)).toEqual([serviceArnOf('shop')]);
  });

  it('finalizes a route whose service and target groups were already deleted by hand', async () => {
    const first = await programmedRoute('shop');
    const groups = (await h.admin.state()).targetGroups.map((g) => g.arn as string);
    await deleteService(first);
    await until(() => gone(() => h.lattice.send(new GetServiceCommand({ serviceIdentifier: first }))));
    for (const arn of groups) await h.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: arn }));
    h.cluster.delete(routeRef('shop'));
    await h.driver.runUntil(() => h.cluster.get(routeRef('shop')) === undefined, { timeoutMs: 8000 });
    noFailedHook();
    const state = await h.admin.state();
    expect([...state.services, ...state.targetGroups, ...state.listeners]).toEqual([]);
  });

  const OURS_GROUP = 'application-networking.k8s.aws';
  const policyRef = (kind: string, name: string) => ({ group: OURS_GROUP, kind, namespace: 'apps', name });
  const policyProgrammed = (kind: string, name: string) => conditionsOf(h.cluster, policyRef(kind, name)).Programmed === 'True/Programmed';
  const toRoute = { group: GW, kind: 'HTTPRoute', name: 'shop' };

  /** The route `shop` gets an IAMAuthPolicy `auth` and an AccessLogPolicy `logs`, both programmed; returns the auth document. */
  async function withPolicies(): Promise<string> {
    await h.admin.ok('POST', 'destinations', { arns: ['arn:aws:s3:::shop-logs'] });
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
    });
    h.cluster.apply({
      apiVersion: `${OURS_GROUP}/v1alpha1`,
      kind: 'IAMAuthPolicy',
      metadata: { name: 'auth', namespace: 'apps' },
      spec: { targetRef: toRoute, policy: document },
    });
    h.cluster.apply({
      apiVersion: `${OURS_GROUP}/v1alpha1`,
      kind: 'AccessLogPolicy',
      metadata: { name: 'logs', namespace: 'apps' },
      spec: { targetRef: toRoute, destinationArn: 'arn:aws:s3:::shop-logs' },
    });
    await h.driver.runUntil(() => policyProgrammed('IAMAuthPolicy', 'auth') && policyProgrammed('AccessLogPolicy', 'logs'), {
      timeoutMs: 8000,
    });
    await h.driver.runUntilStable();
    return document;
  }

  /** The Service `api` exported to the other clusters of the network. */
  function applyExport(): void {
    h.cluster.apply({
      apiVersion: `${OURS_GROUP}/v1alpha1`,
      kind: 'ServiceExport',
      metadata: { name: 'api', namespace: 'apps', annotations: { 'application-networking.k8s.aws/federation': 'amazon-vpc-lattice' } },
      spec: { exportedPorts: [{ port: 80, routeType: 'HTTP' }] },
    });
  }

  it("re-puts a route's auth policy and recreates its access log subscription deleted by hand", async () => {
    const serviceArn = await programmedRoute('shop');
    const document = await withPolicies();
    const subscription = h.cluster.mustGet(policyRef('AccessLogPolicy', 'logs')).metadata.annotations?.[SUBSCRIPTION_ARN_ANNOTATION] ?? '';
    expect(subscription).toMatch(/^arn:/);

    await h.lattice.send(new DeleteAuthPolicyCommand({ resourceIdentifier: serviceArn }));
    await h.lattice.send(new DeleteAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: subscription }));
    h.driver.resyncAll();
    await h.driver.runUntil(
      () => h.cluster.mustGet(policyRef('AccessLogPolicy', 'logs')).metadata.annotations?.[SUBSCRIPTION_ARN_ANNOTATION] !== subscription,
      { timeoutMs: 8000 },
    );
    await h.driver.runUntilStable();
    noFailedHook();
    expect(JSON.parse((await h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: serviceArn }))).policy ?? '{}')).toEqual(
      JSON.parse(document),
    );
    const state = await h.admin.state();
    expect(state.accessLogSubscriptions.map((a) => a.arn)).toEqual([
      h.cluster.mustGet(policyRef('AccessLogPolicy', 'logs')).metadata.annotations?.[SUBSCRIPTION_ARN_ANNOTATION],
    ]);
    expect(policyProgrammed('IAMAuthPolicy', 'auth') && policyProgrammed('AccessLogPolicy', 'logs')).toBe(true);
  });

  it('recreates the service network of a ServiceNetwork deleted by hand and says so', async () => {
    const ref = { group: OURS_GROUP, kind: 'ServiceNetwork', name: 'mesh' };
    h.cluster.apply({ apiVersion: `${OURS_GROUP}/v1alpha1`, kind: 'ServiceNetwork', metadata: { name: 'mesh' }, spec: {} });
    await h.driver.runUntil(() => conditionsOf(h.cluster, ref).Programmed === 'True/Programmed', { timeoutMs: 8000 });
    const first = (statusOf(h.cluster.mustGet(ref)) as { serviceNetworkID?: string }).serviceNetworkID ?? '';
    await h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: first }));

    h.driver.resyncAll();
    const messages: string[] = [];
    await h.driver.runUntil(
      () => {
        messages.push(condition(statusOf(h.cluster.mustGet(ref)).conditions, 'Programmed')?.message ?? '');
        return ((statusOf(h.cluster.mustGet(ref)) as { serviceNetworkID?: string }).serviceNetworkID ?? first) !== first;
      },
      { timeoutMs: 8000 },
    );
    await h.driver.runUntilStable();
    noFailedHook();
    const second = (statusOf(h.cluster.mustGet(ref)) as { serviceNetworkID?: string }).serviceNetworkID;
    expect((await h.admin.state()).serviceNetworks.map((n) => n.id)).toContain(second);
    expect(messages.some((m) => m.includes(`the recorded network ${first} no longer existed`))).toBe(true);
  });

  it("recreates an export's target group deleted by hand", async () => {
    const exportRef = policyRef('ServiceExport', 'api');
    applyExport();
    const recorded = () => recordedTargetGroups(h.cluster.mustGet(exportRef) as AnyRoute);
    await h.driver.runUntil(() => recorded().length === 1 && conditionsOf(h.cluster, exportRef).Programmed === 'True/Programmed', {
      timeoutMs: 8000,
    });
    await h.driver.runUntilStable();
    const [first] = recorded();
    await h.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: first }));
    await until(async () => (await h.admin.state()).targetGroups.length === 0);

    h.driver.resyncAll();
    await h.driver.runUntil(
      () => recorded().length === 1 && recorded()[0] !== first && conditionsOf(h.cluster, exportRef).Programmed === 'True/Programmed',
      { timeoutMs: 8000 },
    );
    await h.driver.runUntilStable();
    noFailedHook();
    expect((await h.admin.state()).targetGroups.map((g) => g.arn)).toEqual(recorded());
  });

  it('treats a resource whose tags cannot be read any more (deleted since it was read) as gone, never as a hook failure', async () => {
    const exportRef = policyRef('ServiceExport', 'api');
    applyExport();
    await programmedRoute('shop');
    await h.driver.runUntil(() => conditionsOf(h.cluster, exportRef).Programmed === 'True/Programmed', { timeoutMs: 8000 });
    await h.driver.runUntilStable();

    // Every verifying pass, then the deletions, meet one tag read answered as Lattice answers a
    // resource whose deletion completed a moment before.
    for (let round = 0; round < 3; round++) {
      await h.admin.addFault({ operation: 'ListTagsForResource', error: 'ResourceNotFoundException', times: 1 });
      h.driver.resyncAll();
      await h.driver.runUntilStable();
    }
    expect(programmed('shop')).toBe(true);
    expect(conditionsOf(h.cluster, exportRef).Programmed).toBe('True/Programmed');
    await h.admin.addFault({ operation: 'ListTagsForResource', error: 'ResourceNotFoundException', times: 1 });
    h.cluster.delete(routeRef('shop'));
    h.cluster.delete(exportRef);
    await h.driver.runUntil(() => !h.cluster.get(routeRef('shop')) && !h.cluster.get(exportRef), { timeoutMs: 8000 });
    noFailedHook();
  });

  it("recreates a Gateway's VPC association deleted by hand, and waits (no 500) once the Gateway's network is gone", async () => {
    const ref = { group: OURS_GROUP, kind: 'VpcAssociationPolicy', namespace: 'infra', name: 'edge' };
    const recordedArn = () => h.cluster.mustGet(ref).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION];
    h.cluster.apply({
      apiVersion: `${OURS_GROUP}/v1alpha1`,
      kind: 'VpcAssociationPolicy',
      metadata: { name: 'edge', namespace: 'infra' },
      spec: { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, associateWithVpc: true },
    });
    await h.driver.runUntil(() => conditionsOf(h.cluster, ref).Programmed === 'True/Programmed', { timeoutMs: 8000 });
    await h.driver.runUntilStable();
    const first = recordedArn() ?? '';
    await h.lattice.send(new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: first }));
    await until(async () => (await h.admin.state()).serviceNetworkVpcAssociations.length === 0);

    h.driver.resyncAll();
    await h.driver.runUntil(() => recordedArn() !== first && conditionsOf(h.cluster, ref).Programmed === 'True/Programmed', {
      timeoutMs: 8000,
    });
    await h.driver.runUntilStable();
    noFailedHook();
    expect((await h.admin.state()).serviceNetworkVpcAssociations.map((a) => a.arn)).toEqual([recordedArn()]);

    // The network itself goes (its associations first, as Lattice insists): the policy waits and says why.
    const networkArn = (await h.admin.state()).serviceNetworks[0]?.arn as string;
    await h.lattice.send(new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: recordedArn() }));
    await until(async () => (await h.admin.state()).serviceNetworkVpcAssociations.length === 0);
    for (const a of (await h.admin.state()).serviceNetworkServiceAssociations)
      await h.lattice.send(
        new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: a.arn as string }),
      );
    await until(async () => (await h.admin.state()).serviceNetworkServiceAssociations.length === 0);
    await h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: networkArn }));
    h.driver.resyncAll();
    await h.driver.runUntil(() => conditionsOf(h.cluster, ref).Programmed !== 'True/Programmed', { timeoutMs: 8000 });
    await h.driver.runUntilStable();
    noFailedHook();
  });

  it("moves a route's policies to the service recreated after the old one was deleted by hand", async () => {
    const first = await programmedRoute('shop');
    const document = await withPolicies();

    await deleteService(first);
    await until(() => gone(() => h.lattice.send(new GetServiceCommand({ serviceIdentifier: first }))));
    h.driver.resyncAll();
    await h.driver.runUntil(
      () =>
        serviceArnOf('shop') !== first &&
        programmed('shop') &&
        policyProgrammed('IAMAuthPolicy', 'auth') &&
        policyProgrammed('AccessLogPolicy', 'logs'),
      { timeoutMs: 8000 },
    );
    await h.driver.runUntilStable();
    noFailedHook();
    const second = serviceArnOf('shop');
    expect(JSON.parse((await h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: second }))).policy ?? '{}')).toEqual(
      JSON.parse(document),
    );
    expect((await h.admin.state()).accessLogSubscriptions.map((a) => a.resourceArn)).toEqual([second]);
  });

  /** Moves route `name` to a Gateway that does not exist and waits until Lattice holds nothing of it. */
  async function detach(name: string): Promise<void> {
    h.cluster.apply(
      httpRoute('apps', name, {
        parentRefs: [{ name: 'elsewhere', namespace: 'infra' }],
        rules: [{ backendRefs: [{ name: 'api', port: 80 }] }],
      }),
    );
    await h.driver.runUntil(() => h.cluster.mustGet(routeRef(name)).metadata.annotations?.[SERVICE_ARN_ANNOTATION] === undefined, {
      timeoutMs: 8000,
    });
    await until(async () => (await h.admin.state()).services.length === 0 && (await h.admin.state()).targetGroups.length === 0);
  }

  it('programs a route again after it was detached and its Lattice service deleted (same create tokens as the first time)', async () => {
    const first = await programmedRoute('shop');
    await detach('shop');
    const second = await programmedRoute('shop');
    noFailedHook();
    expect(second).not.toBe(first);
    expect((await h.admin.state()).services.map((s) => s.arn)).toEqual([second]);
  });

  it('programs a route again after it was detached twice: the create tokens replay two dead lifetimes', async () => {
    const first = await programmedRoute('shop');
    await detach('shop');
    const second = await programmedRoute('shop');
    await detach('shop');
    const third = await programmedRoute('shop');
    noFailedHook();
    expect([first, second]).not.toContain(third);
    expect((await h.admin.state()).services.map((s) => s.arn)).toEqual([third]);
  });
});
