import { CreateTargetGroupCommand, GetTargetGroupCommand } from '@aws-sdk/client-vpc-lattice';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { PROGRAMMED_CONDITION, VERIFY_NOW_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW, OURS, statusOf, summary, writeCalls } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { endpointSlice, latticeView, service, targetsOf } from '../support/routeFixtures';

const VPC_A = 'vpc-0aaaaaaaaaaaaaaa1';
const VPC_B = 'vpc-0bbbbbbbbbbbbbbb2';

function serviceExport(namespace: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: `${OURS}/v1alpha1`,
    kind: 'ServiceExport',
    metadata: { name, namespace, annotations: { 'application-networking.k8s.aws/federation': 'amazon-vpc-lattice' } },
    spec: { exportedPorts: [{ port: 80, routeType: 'HTTP' }] },
    ...extra,
  };
}

function serviceImport(namespace: string, name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: `${OURS}/v1alpha1`,
    kind: 'ServiceImport',
    metadata: { name, namespace, annotations },
    spec: { type: 'ClusterSetIP', ports: [{ port: 80 }] },
  };
}

function splitRoute(importName = 'reviews') {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'mesh', namespace: 'infra' }],
      rules: [
        {
          backendRefs: [
            { name: 'reviews-local', port: 80, weight: 80 },
            { group: OURS, kind: 'ServiceImport', name: importName, port: 80, weight: 20 },
          ],
        },
      ],
    },
  };
}

/** A route whose one rule forwards only to the import: losing the import answers a fixed 500. */
function importOnlyRoute(name: string) {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'mesh', namespace: 'infra' }],
      rules: [{ backendRefs: [{ group: OURS, kind: 'ServiceImport', name: 'reviews', port: 80 }] }],
    },
  };
}

const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'shop', name: 'reviews' };
const exportRef = { group: OURS, kind: 'ServiceExport', namespace: 'shop', name: 'reviews' };
const importRef = { group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'reviews' };
const TARGET_GROUPS = 'application-networking.k8s.aws/lattice-target-group-arns';

function routeConditions(h: Harness, ref = routeRef): Record<string, string> {
  const parents = (statusOf(h.cluster.get(ref)).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions);
}

function routeCondition(h: Harness, type: string, ref = routeRef): string {
  const parents = (statusOf(h.cluster.get(ref)).parents as { conditions: { type: string; message: string }[] }[] | undefined) ?? [];
  return parents[0]?.conditions.find((c) => c.type === type)?.message ?? '';
}

function exportConditions(h: Harness): Record<string, string> {
  return summary(statusOf(h.cluster.get(exportRef)).conditions);
}

function exportMessage(h: Harness): string {
  return (
    ((statusOf(h.cluster.get(exportRef)).conditions as { type: string; message: string }[] | undefined) ?? []).find(
      (c) => c.type === 'Programmed',
    )?.message ?? ''
  );
}

function recordedArns(h: Harness): string[] {
  return (h.cluster.get(exportRef)?.metadata.annotations?.[TARGET_GROUPS] ?? '').split(',').filter((a) => a !== '');
}

function importedArns(h: Harness, ref = importRef): string[] {
  return ((statusOf(h.cluster.get(ref)).targetGroups as { arn: string }[] | undefined) ?? []).map((g) => g.arn);
}

type Action = { fixedResponse?: { statusCode: number }; forward?: { targetGroups: { targetGroupIdentifier: string; weight: number }[] } };

async function ruleActions(h: Harness, ref = routeRef): Promise<Action[]> {
  const arn = h.cluster.get(ref)?.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
  if (!arn) return [];
  return ((await latticeView(h.lattice, arn)).listeners[0]?.rules ?? []).map((r) => r.action as Action);
}

describe('multi-cluster: ServiceExport in cluster B, ServiceImport in cluster A, one shared Lattice', () => {
  let emulator: RunningEmulator;
  let a: Harness;
  let b: Harness;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, transitionMs: 20 });
    a = await startHarness({ emulator, env: { CLUSTER_NAME: 'cluster-a', CLUSTER_VPC_ID: VPC_A } });
    b = await startHarness({ emulator, env: { CLUSTER_NAME: 'cluster-b', CLUSTER_VPC_ID: VPC_B } });
    for (const h of [a, b]) installGatewayApi(h.cluster);
    await sharedNetworkGateway(a, 'infra', 'mesh');
    a.cluster.apply(service('shop', 'reviews-local'));
    a.cluster.apply(endpointSlice('shop', 'reviews-local', ['10.1.0.1']));
    b.cluster.apply(service('shop', 'reviews'));
    b.cluster.apply(endpointSlice('shop', 'reviews', ['10.2.0.1', '10.2.0.2']));
  });

  afterEach(async () => {
    await a.close();
    await b.close();
    await emulator.close();
  });

  async function exportInB(): Promise<string> {
    b.cluster.apply(serviceExport('shop', 'reviews'));
    await b.driver.runUntil(
      () =>
        summary(statusOf(b.cluster.get({ group: OURS, kind: 'ServiceExport', namespace: 'shop', name: 'reviews' })).conditions)
          .Programmed === 'True/Programmed',
    );
    await b.driver.runUntilStable();
    const arn =
      b.cluster.mustGet({ group: OURS, kind: 'ServiceExport', namespace: 'shop', name: 'reviews' }).metadata.annotations?.[
        'application-networking.k8s.aws/lattice-target-group-arns'
      ] ?? '';
    return arn;
  }

  async function importInA(route: Record<string, unknown> = splitRoute()): Promise<void> {
    a.cluster.apply(serviceImport('shop', 'reviews'));
    a.cluster.apply(route as never);
    const ref = { ...routeRef, name: (route as { metadata: { name: string } }).metadata.name };
    await a.driver.runUntil(() => routeConditions(a, ref)[PROGRAMMED_CONDITION] === 'True/Programmed');
    await a.driver.runUntilStable();
  }

  /** A's rules while B withdraws its group: B says so, A moves away, B deletes the group. */
  async function expectWithdrawal(exportedArn: string, localId: string): Promise<void> {
    await b.driver.runUntil(() => exportMessage(b).includes('importers were told it is withdrawn'));
    await a.driver.runUntil(() => routeConditions(a).ResolvedRefs === 'False/BackendNotFound');
    await a.driver.runUntilStable();
    expect(await ruleActions(a)).toEqual([{ forward: { targetGroups: [{ targetGroupIdentifier: localId, weight: 80 }] } }]);
    await b.driver.runUntil(() => recordedArns(b).length === 0);
    await expect(b.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: exportedArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  }

  async function localGroupId(): Promise<string> {
    const state = await a.admin.state();
    return (
      (state.targetGroups.find((g) => (g.config as { vpcIdentifier: string }).vpcIdentifier === VPC_A)?.id as string | undefined) ?? ''
    );
  }

  it('splits one Lattice rule 80/20 between a local Service and a target group exported by the other cluster', async () => {
    const exportedArn = await exportInB();
    const exported = await a.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: exportedArn }));
    expect(exported.config?.vpcIdentifier).toBe(VPC_B);
    expect(await targetsOf(a.lattice, exported.id ?? '')).toEqual(['10.2.0.1:8080', '10.2.0.2:8080']);

    a.cluster.apply(serviceImport('shop', 'reviews'));
    a.cluster.apply(splitRoute());
    await a.driver.runUntil(() => routeConditions(a)[PROGRAMMED_CONDITION] === 'True/Programmed');
    await a.driver.runUntilStable();
    expect(routeConditions(a)).toMatchObject({ Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' });
    const imported = a.cluster.mustGet({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'reviews' });
    expect(statusOf(imported)).toMatchObject({
      clusters: [{ cluster: 'cluster-b' }],
      targetGroups: [{ arn: exportedArn, clusterName: 'cluster-b', vpcId: VPC_B, port: 80 }],
    });

    const state = await a.admin.state();
    expect(state.services).toHaveLength(1);
    const local = state.targetGroups.find((g) => (g.config as { vpcIdentifier: string }).vpcIdentifier === VPC_A);
    const view = await latticeView(a.lattice, a.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '');
    expect(view.listeners[0]?.rules).toEqual([
      {
        priority: 1,
        match: { pathMatch: { match: { prefix: '/' }, caseSensitive: true } },
        action: {
          forward: {
            targetGroups: [
              { targetGroupIdentifier: local?.id, weight: 80 },
              { targetGroupIdentifier: exported.id, weight: 20 },
            ],
          },
        },
      },
    ]);

    // Imports are resolved by the ServiceImport's hook, not per route sync: a full route sync lists no target groups.
    const callsBefore = a.driver.calls.length;
    await a.admin.resetCalls();
    const route = a.cluster.mustGet(routeRef);
    a.cluster.apply({
      ...route,
      metadata: { ...route.metadata, annotations: { ...route.metadata.annotations, [VERIFY_NOW_ANNOTATION]: 'yes' } },
    });
    await a.driver.runUntil(() => a.driver.calls.slice(callsBefore).some((c) => c.controller === 'lattice-httproute' && c.hook === 'sync'));
    const importSyncs = a.driver.calls.slice(callsBefore).filter((c) => c.controller === 'lattice-serviceimport').length;
    const calls = (await a.admin.calls()).byOperation;
    expect(calls.ListTargetGroups ?? 0).toBe(importSyncs);
    // One read of the local group and one of the imported group, though a rule forwards to it too.
    const routeSyncs = a.driver.calls.slice(callsBefore).filter((c) => c.controller === 'lattice-httproute' && c.hook === 'sync').length;
    expect(calls.GetTargetGroup ?? 0).toBe(2 * routeSyncs);

    // Scaling cluster B's endpoints changes only cluster B's targets.
    await a.admin.resetCalls();
    b.cluster.apply(endpointSlice('shop', 'reviews', ['10.2.0.1', '10.2.0.2', '10.2.0.3']));
    await b.driver.runUntilStable();
    await a.driver.runUntilStable();
    expect(await targetsOf(a.lattice, exported.id ?? '')).toEqual(['10.2.0.1:8080', '10.2.0.2:8080', '10.2.0.3:8080']);
    expect(writeCalls((await a.admin.calls()).byOperation)).toEqual({ RegisterTargets: 1 });

    // Deleting the export in B: B marks its group withdrawn and waits while A's rule uses it;
    // A's import stops resolving, A's route says so and keeps serving the local backend; then B finishes.
    const exportRef = { group: OURS, kind: 'ServiceExport', namespace: 'shop', name: 'reviews' };
    b.cluster.delete(exportRef);
    await b.driver.runUntilStable();
    const withdrawing = statusOf(b.cluster.get(exportRef)).conditions as { type: string; message: string }[];
    expect(withdrawing.find((c) => c.type === 'Programmed')?.message).toContain('still used by');
    await a.driver.runUntil(() => routeConditions(a).ResolvedRefs === 'False/BackendNotFound');
    await a.driver.runUntilStable();
    const rules = (await latticeView(a.lattice, a.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? ''))
      .listeners[0]?.rules;
    expect(rules?.[0]?.action).toEqual({ forward: { targetGroups: [{ targetGroupIdentifier: local?.id, weight: 80 }] } });
    expect(routeConditions(a)[PROGRAMMED_CONDITION]).toBe('True/Programmed');
    await b.driver.runUntil(() => b.cluster.get(exportRef) === undefined);
    await expect(a.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: exportedArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('reports several exports of one name instead of picking one, and resolves when narrowed by cluster', async () => {
    await exportInB();
    const c = await startHarness({ emulator, env: { CLUSTER_NAME: 'cluster-c', CLUSTER_VPC_ID: 'vpc-0ccccccccccccccc3' } });
    try {
      c.cluster.apply(service('shop', 'reviews'));
      c.cluster.apply(endpointSlice('shop', 'reviews', ['10.3.0.1']));
      c.cluster.apply(serviceExport('shop', 'reviews'));
      await c.driver.runUntilStable();
    } finally {
      await c.close();
    }
    a.cluster.apply(serviceImport('shop', 'reviews'));
    a.cluster.apply(splitRoute());
    await a.driver.runUntil(() => routeConditions(a).ResolvedRefs === 'False/BackendNotFound');
    const condition = (
      (statusOf(a.cluster.get(routeRef)).parents as { conditions: { type: string; message: string }[] }[])[0]?.conditions ?? []
    ).find((x) => x.type === 'ResolvedRefs');
    expect(condition?.message).toMatch(
      /2 exported target groups match \(tg-\w+ \(cluster cluster-[bc], vpc-\w+\), tg-\w+ \(cluster cluster-[bc], vpc-\w+\)\)/,
    );
    expect(summary(statusOf(a.cluster.get({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'reviews' })).conditions)).toEqual(
      { Resolved: 'False/Ambiguous' },
    );

    a.cluster.apply(serviceImport('shop', 'reviews', { 'application-networking.k8s.aws/aws-eks-cluster-name': 'cluster-b' }));
    await a.driver.runUntil(
      () => routeConditions(a).ResolvedRefs === 'True/ResolvedRefs' && routeConditions(a)[PROGRAMMED_CONDITION] === 'True/Programmed',
    );

    // An import of another name finds the export by export-name; aws-vpc narrows it to cluster C's.
    const ratings = { ...importRef, name: 'ratings' };
    a.cluster.apply(
      serviceImport('shop', 'ratings', {
        'application-networking.k8s.aws/export-name': 'reviews',
        'application-networking.k8s.aws/aws-vpc': 'vpc-0ccccccccccccccc3',
      }),
    );
    await a.driver.runUntil(() => summary(statusOf(a.cluster.get(ratings)).conditions).Resolved === 'True/Resolved');
    expect(statusOf(a.cluster.get(ratings))).toMatchObject({
      clusters: [{ cluster: 'cluster-c' }],
      targetGroups: [{ clusterName: 'cluster-c', vpcId: 'vpc-0ccccccccccccccc3', port: 80 }],
    });
    a.cluster.apply(
      serviceImport('shop', 'ratings', {
        'application-networking.k8s.aws/export-name': 'reviews',
        'application-networking.k8s.aws/aws-vpc': VPC_A,
      }),
    );
    await a.driver.runUntil(() => summary(statusOf(a.cluster.get(ratings)).conditions).Resolved === 'False/NotFound');
    expect(importedArns(a, ratings)).toEqual([]);
  });

  it('uses a target group named by ARN as it is, and refuses a malformed or conflicting one', async () => {
    const external = await a.lattice.send(
      new CreateTargetGroupCommand({ name: 'made-by-hand', type: 'IP', config: { port: 80, protocol: 'HTTP', vpcIdentifier: VPC_B } }),
    );
    a.cluster.apply(serviceImport('shop', 'reviews', { 'application-networking.k8s.aws/target-group-arn': external.arn ?? '' }));
    a.cluster.apply(splitRoute());
    await a.driver.runUntil(() => routeConditions(a)[PROGRAMMED_CONDITION] === 'True/Programmed');
    const view = await latticeView(a.lattice, a.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '');
    expect(JSON.stringify(view.listeners[0]?.rules[0]?.action)).toContain(external.id ?? 'x');
    // Deleting the route never deletes a target group it did not make.
    a.cluster.delete(routeRef);
    await a.driver.runUntil(() => a.cluster.get(routeRef) === undefined);
    expect((await a.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: external.arn }))).name).toBe('made-by-hand');

    a.cluster.apply(
      serviceImport('shop', 'gone', {
        'application-networking.k8s.aws/target-group-arn': (external.arn ?? '').replace(/tg-\w+$/, 'tg-0000000000000000a'),
      }),
    );
    a.cluster.apply(serviceImport('shop', 'bad', { 'application-networking.k8s.aws/target-group-arn': 'arn:nope' }));
    a.cluster.apply(
      serviceImport('shop', 'both', {
        'application-networking.k8s.aws/target-group-arn': external.arn ?? '',
        'application-networking.k8s.aws/export-name': 'x',
      }),
    );
    await a.driver.runUntilStable();
    expect(summary(statusOf(a.cluster.get({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'gone' })).conditions)).toEqual({
      Resolved: 'False/ExternalTargetGroupNotFound',
    });
    expect(summary(statusOf(a.cluster.get({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'bad' })).conditions)).toEqual({
      Resolved: 'False/InvalidExternalTargetGroup',
    });
    expect(summary(statusOf(a.cluster.get({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'both' })).conditions)).toEqual({
      Resolved: 'False/ConflictingServiceImportAnnotations',
    });
  });
  it('replaces an exported group for a TargetGroupPolicy while another cluster forwards to it, never leaving that rule without targets', async () => {
    const oldArn = await exportInB();
    await importInA(importOnlyRoute('reviews'));
    const violations: string[] = [];
    const check = async () => {
      for (const action of await ruleActions(a)) {
        const groups = action.forward?.targetGroups ?? [];
        if (groups.length === 0) violations.push(`the importer's rule answers ${JSON.stringify(action)}`);
        for (const g of groups)
          if ((await targetsOf(a.lattice, g.targetGroupIdentifier)).length === 0)
            violations.push(`the importer's rule forwards to ${g.targetGroupIdentifier}, which has no target`);
      }
    };
    a.driver.afterEachCall = check;
    b.driver.afterEachCall = check;
    b.cluster.apply({
      apiVersion: `${OURS}/v1alpha1`,
      kind: 'TargetGroupPolicy',
      metadata: { name: 'h2', namespace: 'shop' },
      spec: { targetRef: { group: OURS, kind: 'ServiceExport', name: 'reviews' }, protocolVersion: 'HTTP2' },
    });
    // B fills the replacement hidden from importers, shows it, then tells them the old group is withdrawn.
    await b.driver.runUntil(() => exportMessage(b).includes('importers were told it is withdrawn'));
    // A's import sees one export (the replacement wins), and its rule follows.
    await a.driver.runUntil(() => importedArns(a).length === 1 && importedArns(a)[0] !== oldArn);
    await a.driver.runUntilStable();
    // Nothing uses the old group any more: B retires it.
    await b.driver.runUntil(() => exportConditions(b).Programmed === 'True/Programmed');
    a.driver.afterEachCall = undefined;
    b.driver.afterEachCall = undefined;
    const [newArn] = recordedArns(b);
    expect(newArn).not.toBe(oldArn);
    expect(importedArns(a)).toEqual([newArn]);
    expect(summary(statusOf(a.cluster.get(importRef)).conditions)).toEqual({ Resolved: 'True/Resolved' });
    const replacement = await a.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: newArn }));
    expect(replacement.config?.protocolVersion).toBe('HTTP2');
    expect(await ruleActions(a)).toEqual([{ forward: { targetGroups: [{ targetGroupIdentifier: replacement.id, weight: 1 }] } }]);
    await expect(a.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: oldArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(summary(statusOf(b.cluster.get({ group: OURS, kind: 'TargetGroupPolicy', namespace: 'shop', name: 'h2' })).conditions)).toEqual({
      Accepted: 'True/Accepted',
    });
    expect(violations).toEqual([]);
  });

  it('withdraws a group it no longer exports (here an invalid exportedPorts) while another cluster still uses it', async () => {
    const exportedArn = await exportInB();
    await importInA();
    b.cluster.apply(serviceExport('shop', 'reviews', { spec: { exportedPorts: [{ port: 81, routeType: 'HTTP' }] } }));
    await expectWithdrawal(exportedArn, await localGroupId());
    expect(exportConditions(b).Accepted).toBe('False/Invalid');
  });

  it('withdraws the export when its Service is deleted, instead of leaving stale targets to importers', async () => {
    const exportedArn = await exportInB();
    await importInA();
    b.cluster.delete({ group: '', kind: 'Service', namespace: 'shop', name: 'reviews' });
    await expectWithdrawal(exportedArn, await localGroupId());
    expect(exportConditions(b).Programmed).toBe('False/ServiceNotFound');
    expect(exportMessage(b)).toBe('Service shop/reviews not found');
  });

  it('keeps the groups an import resolved when resolving fails, and reports a group deleted since instead of failing the route', async () => {
    const exportedArn = await exportInB();
    await importInA();
    const local = await localGroupId();
    const exportedId = exportedArn.slice(exportedArn.lastIndexOf('/') + 1);
    // Resolving is denied: the import says so and keeps its groups; the route keeps forwarding.
    await a.admin.addFault({ operation: 'ListTargetGroups', error: 'AccessDeniedException', times: 1000 });
    await a.driver.runUntil(() => summary(statusOf(a.cluster.get(importRef)).conditions).Resolved === 'False/Error');
    expect(importedArns(a)).toEqual([exportedArn]);
    await a.driver.runUntilStable();
    expect(routeConditions(a)).toMatchObject({ ResolvedRefs: 'True/ResolvedRefs', [PROGRAMMED_CONDITION]: 'True/Programmed' });
    expect(await ruleActions(a)).toEqual([
      {
        forward: {
          targetGroups: [
            { targetGroupIdentifier: local, weight: 80 },
            { targetGroupIdentifier: exportedId, weight: 20 },
          ],
        },
      },
    ]);

    // The route goes, then B's export with its group; the import's status still names the group.
    a.cluster.delete(routeRef);
    await a.driver.runUntil(() => a.cluster.get(routeRef) === undefined);
    await a.admin.ok('DELETE', 'faults');
    b.cluster.delete(exportRef);
    await b.driver.runUntil(() => b.cluster.get(exportRef) === undefined);
    await a.admin.addFault({ operation: 'ListTargetGroups', error: 'AccessDeniedException', times: 1000 });
    const callsBefore = a.driver.calls.length;
    a.cluster.apply(splitRoute());
    await a.driver.runUntil(
      () => routeConditions(a).ResolvedRefs === 'False/BackendNotFound' && routeConditions(a)[PROGRAMMED_CONDITION] === 'True/Programmed',
    );
    expect(importedArns(a)).toEqual([exportedArn]);
    expect(routeCondition(a, 'ResolvedRefs')).toContain(`target group ${exportedId} no longer exists`);
    expect((await ruleActions(a))[0]?.forward?.targetGroups.map((g) => g.targetGroupIdentifier)).toEqual([expect.stringMatching(/^tg-/)]);
    expect(a.driver.calls.slice(callsBefore).filter((c) => c.statusCode >= 500)).toEqual([]);
  });

  it('reports a second route importing the same export: a target group serves one Lattice service', async () => {
    await exportInB();
    await importInA();
    const firstService = a.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION];
    const copyRef = { ...routeRef, name: 'reviews-copy' };
    const callsBefore = a.driver.calls.length;
    a.cluster.apply(importOnlyRoute('reviews-copy') as never);
    await a.driver.runUntil(
      () =>
        routeConditions(a, copyRef).ResolvedRefs === 'False/BackendNotFound' &&
        routeConditions(a, copyRef)[PROGRAMMED_CONDITION] === 'True/Programmed',
    );
    expect(routeCondition(a, 'ResolvedRefs', copyRef)).toMatch(
      new RegExp(`target group tg-\\w+ is already used by service ${firstService}`),
    );
    expect(await ruleActions(a, copyRef)).toEqual([{ fixedResponse: { statusCode: 500 } }]);
    expect(routeConditions(a)).toMatchObject({ ResolvedRefs: 'True/ResolvedRefs', [PROGRAMMED_CONDITION]: 'True/Programmed' });
    expect(a.driver.calls.slice(callsBefore).filter((c) => c.statusCode >= 500)).toEqual([]);
  });

  it('records a group it created even when a later call of the same pass is refused, so deleting the export leaves nothing', async () => {
    const first = await exportInB();
    // One pass creates the GRPC group, then retiring the HTTP group is denied.
    await b.admin.addFault({ operation: 'DeregisterTargets', error: 'AccessDeniedException', times: 1000 });
    b.cluster.apply(serviceExport('shop', 'reviews', { spec: { exportedPorts: [{ port: 80, routeType: 'GRPC' }] } }));
    await b.driver.runUntil(() => exportConditions(b).Programmed === 'False/Error');
    const recorded = recordedArns(b);
    expect(recorded).toHaveLength(2);
    expect(recorded).toContain(first);
    await b.admin.ok('DELETE', 'faults');
    b.cluster.delete(exportRef);
    await b.driver.runUntil(() => b.cluster.get(exportRef) === undefined);
    for (const arn of recorded)
      await expect(b.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: arn }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
  });

  it('deletes every target group of a deleted export, also one whose ARN was never recorded', async () => {
    const exportedArn = await exportInB();
    b.cluster.delete(exportRef);
    // As if a failed pass had never recorded the group: the finalize pass finds it by name.
    const deleting = b.cluster.mustGet(exportRef);
    b.cluster.update({
      ...deleting,
      metadata: { ...deleting.metadata, annotations: { 'application-networking.k8s.aws/federation': 'amazon-vpc-lattice' } },
    });
    await b.driver.runUntil(() => b.cluster.get(exportRef) === undefined);
    await expect(b.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: exportedArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
