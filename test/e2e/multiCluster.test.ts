import { CreateTargetGroupCommand, GetTargetGroupCommand } from '@aws-sdk/client-vpc-lattice';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { PROGRAMMED_CONDITION } from '../../src/controllers/route';
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
  return { apiVersion: `${OURS}/v1alpha1`, kind: 'ServiceImport', metadata: { name, namespace, annotations }, spec: { type: 'ClusterSetIP', ports: [{ port: 80 }] } };
}

function splitRoute(importName = 'reviews') {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'mesh', namespace: 'infra' }],
      rules: [{ backendRefs: [{ name: 'reviews-local', port: 80, weight: 80 }, { group: OURS, kind: 'ServiceImport', name: importName, port: 80, weight: 20 }] }],
    },
  };
}

const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'shop', name: 'reviews' };

function routeConditions(h: Harness): Record<string, string> {
  const parents = (statusOf(h.cluster.get(routeRef)).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions);
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
    await b.driver.runUntil(() => summary(statusOf(b.cluster.get({ group: OURS, kind: 'ServiceExport', namespace: 'shop', name: 'reviews' })).conditions).Programmed === 'True/Programmed');
    await b.driver.runUntilStable();
    const arn = b.cluster.mustGet({ group: OURS, kind: 'ServiceExport', namespace: 'shop', name: 'reviews' }).metadata.annotations?.['application-networking.k8s.aws/lattice-target-group-arns'] ?? '';
    return arn;
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
    expect(statusOf(imported)).toMatchObject({ clusters: [{ cluster: 'cluster-b' }], targetGroups: [{ arn: exportedArn, clusterName: 'cluster-b', vpcId: VPC_B, port: 80 }] });

    const state = await a.admin.state();
    expect(state.services).toHaveLength(1);
    const local = state.targetGroups.find((g) => (g.config as { vpcIdentifier: string }).vpcIdentifier === VPC_A);
    const view = await latticeView(a.lattice, a.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '');
    expect(view.listeners[0]?.rules).toEqual([
      {
        priority: 1,
        match: { pathMatch: { match: { prefix: '/' }, caseSensitive: true } },
        action: { forward: { targetGroups: [{ targetGroupIdentifier: local?.id, weight: 80 }, { targetGroupIdentifier: exported.id, weight: 20 }] } },
      },
    ]);

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
    const rules = (await latticeView(a.lattice, a.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '')).listeners[0]?.rules;
    expect(rules?.[0]?.action).toEqual({ forward: { targetGroups: [{ targetGroupIdentifier: local?.id, weight: 80 }] } });
    expect(routeConditions(a)[PROGRAMMED_CONDITION]).toBe('True/Programmed');
    await b.driver.runUntil(() => b.cluster.get(exportRef) === undefined);
    await expect(a.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: exportedArn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
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
    const condition = ((statusOf(a.cluster.get(routeRef)).parents as { conditions: { type: string; message: string }[] }[])[0]?.conditions ?? []).find((x) => x.type === 'ResolvedRefs');
    expect(condition?.message).toMatch(/2 exported target groups match \(tg-\w+ \(cluster cluster-[bc], vpc-\w+\), tg-\w+ \(cluster cluster-[bc], vpc-\w+\)\)/);
    expect(summary(statusOf(a.cluster.get({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'reviews' })).conditions)).toEqual({ Resolved: 'False/Ambiguous' });

    a.cluster.apply(serviceImport('shop', 'reviews', { 'application-networking.k8s.aws/aws-eks-cluster-name': 'cluster-b' }));
    await a.driver.runUntil(() => routeConditions(a).ResolvedRefs === 'True/ResolvedRefs' && routeConditions(a)[PROGRAMMED_CONDITION] === 'True/Programmed');
  });

  it('uses a target group named by ARN as it is, and refuses a malformed or conflicting one', async () => {
    const external = await a.lattice.send(new CreateTargetGroupCommand({ name: 'made-by-hand', type: 'IP', config: { port: 80, protocol: 'HTTP', vpcIdentifier: VPC_B } }));
    a.cluster.apply(serviceImport('shop', 'reviews', { 'application-networking.k8s.aws/target-group-arn': external.arn ?? '' }));
    a.cluster.apply(splitRoute());
    await a.driver.runUntil(() => routeConditions(a)[PROGRAMMED_CONDITION] === 'True/Programmed');
    const view = await latticeView(a.lattice, a.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '');
    expect(JSON.stringify(view.listeners[0]?.rules[0]?.action)).toContain(external.id ?? 'x');
    // Deleting the route never deletes a target group it did not make.
    a.cluster.delete(routeRef);
    await a.driver.runUntil(() => a.cluster.get(routeRef) === undefined);
    expect((await a.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: external.arn }))).name).toBe('made-by-hand');

    a.cluster.apply(serviceImport('shop', 'bad', { 'application-networking.k8s.aws/target-group-arn': 'arn:nope' }));
    a.cluster.apply(serviceImport('shop', 'both', { 'application-networking.k8s.aws/target-group-arn': external.arn ?? '', 'application-networking.k8s.aws/export-name': 'x' }));
    await a.driver.runUntilStable();
    expect(summary(statusOf(a.cluster.get({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'bad' })).conditions)).toEqual({ Resolved: 'False/InvalidExternalTargetGroup' });
    expect(summary(statusOf(a.cluster.get({ group: OURS, kind: 'ServiceImport', namespace: 'shop', name: 'both' })).conditions)).toEqual({ Resolved: 'False/ConflictingServiceImportAnnotations' });
  });
});
