import { CreateServiceCommand, CreateTargetGroupCommand } from '@aws-sdk/client-vpc-lattice';
import { startEmulator } from '../../src/emulator';
import { PROGRAMMED_CONDITION, SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { ORPHAN_SWEEP_REQUEST_ANNOTATION } from '../../src/controllers/orphans';
import { TAG } from '../../src/model/tags';
import type { KubeObject } from '../../src/metacontroller/types';
import { GW, OURS, statusOf, summary } from '../support/assertions';
import { type Harness, installGatewayApi, metric, sharedNetworkGateway, startHarness } from '../support/harness';
import { endpointSlice, httpRoute, service } from '../support/routeFixtures';

const CLASS = { group: GW, kind: 'GatewayClass', name: 'amazon-vpc-lattice' };
const routeRef = (name: string) => ({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name });
const OTHER_CLUSTER = '123456789012/other-cluster/vpc-0fedcba9876543210';

const spec = (backend: string) => ({
  parentRefs: [{ name: 'edge', namespace: 'infra' }],
  rules: [{ backendRefs: [{ name: backend, port: 80 }] }],
});

function programmed(h: Harness, name: string): boolean {
  const parents = (statusOf(h.cluster.get(routeRef(name))).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions)[PROGRAMMED_CONDITION] === 'True/Programmed';
}

/** What a cluster admin does to a stuck object: delete it, then strip its finalizers by hand. */
function forceDelete(h: Harness, name: string, ref = routeRef(name)): void {
  h.cluster.delete(ref);
  const stuck = h.cluster.mustGet(ref);
  h.cluster.update({ ...stuck, metadata: { ...stuck.metadata, finalizers: [] } } as KubeObject);
  expect(h.cluster.get(ref)).toBeUndefined();
}

const completeSweeps = (h: Harness) => h.logs.filter((l) => l.event === 'orphan-sweep' && l.msg === 'orphan sweep complete').length;

let requests = 0;

/** Asks for a sweep now, as `kubectl annotate gatewayclass … orphan-sweep-now=…` does, and runs it to the end. */
async function sweep(h: Harness): Promise<void> {
  const before = completeSweeps(h);
  const gatewayClass = h.cluster.mustGet(CLASS);
  requests += 1;
  h.cluster.update({
    ...gatewayClass,
    metadata: {
      ...gatewayClass.metadata,
      annotations: { ...gatewayClass.metadata.annotations, [ORPHAN_SWEEP_REQUEST_ANNOTATION]: `request-${requests}` },
    },
  });
  await h.driver.runUntil(() => completeSweeps(h) > before);
  await h.driver.runUntilStable();
}

/** The log line of the last sweep pass: what it listed, read and removed, and its own AWS calls. */
function lastSweep(h: Harness): Record<string, unknown> {
  return h.logs.filter((l) => l.event === 'orphan-sweep').at(-1) ?? {};
}

const names = (entries: Record<string, unknown>[]) => entries.map((e) => e.name as string).sort();

describe('orphan collector, end to end (driver + emulator over HTTP)', () => {
  let h: Harness;

  afterEach(async () => h?.close());

  async function setUp(env: Record<string, string>) {
    h = await startHarness({ env: { DRIFT_CHECK_SECONDS: '0', ...env } });
    installGatewayApi(h.cluster);
    await sharedNetworkGateway(h, 'infra', 'edge');
    for (const backend of ['web', 'api']) {
      h.cluster.apply(service('apps', backend));
      h.cluster.apply(endpointSlice('apps', backend, ['10.0.1.1']));
    }
    h.cluster.apply(httpRoute('apps', 'keep', spec('web')));
    h.cluster.apply(httpRoute('apps', 'lost', spec('api')));
    await h.driver.runUntil(() => programmed(h, 'keep') && programmed(h, 'lost'));
    await h.driver.runUntilStable();
  }

  it('removes the resources of a force-deleted route, and nothing of a live route, another cluster or nobody', async () => {
    await setUp({ ORPHAN_GRACE_SECONDS: '0' });
    const keepArn = h.cluster.mustGet(routeRef('keep')).metadata.annotations?.[SERVICE_ARN_ANNOTATION];
    const before = await h.admin.state();
    expect(names(before.services)).toEqual(['keep-apps', 'lost-apps']);
    expect(before.targetGroups).toHaveLength(2);

    // Planted: another cluster's service and target group naming the same route, a service with no
    // tags at all, and one with our ManagedBy but no owner (as a service network has).
    const foreign = { [TAG.managedBy]: OTHER_CLUSTER, [TAG.routeName]: 'lost', [TAG.routeNamespace]: 'apps', [TAG.routeType]: 'http' };
    await h.lattice.send(new CreateServiceCommand({ name: 'foreign-lost', tags: foreign }));
    await h.lattice.send(
      new CreateTargetGroupCommand({
        name: 'foreign-lost-tg',
        type: 'IP',
        config: { port: 80, protocol: 'HTTP', vpcIdentifier: 'vpc-0fedcba9876543210' },
        tags: foreign,
      }),
    );
    await h.lattice.send(new CreateServiceCommand({ name: 'untagged' }));
    await h.lattice.send(new CreateServiceCommand({ name: 'ours-no-owner', tags: { [TAG.managedBy]: h.identity.managedBy } }));

    forceDelete(h, 'lost');
    await h.driver.runUntilStable();
    // No hook ran for the route any more: Lattice still holds all of it.
    expect(names((await h.admin.state()).services)).toEqual(['foreign-lost', 'keep-apps', 'lost-apps', 'ours-no-owner', 'untagged']);

    // Between sweeps, changes of routes re-sync the class but start no sweep.
    const sweepsBefore = h.logs.filter((l) => l.event === 'orphan-sweep').length;
    const classSyncs = h.driver.callsTo('lattice-orphans', 'sync').length;
    const keep = h.cluster.mustGet(routeRef('keep'));
    h.cluster.update({ ...keep, metadata: { ...keep.metadata, labels: { ...keep.metadata.labels, team: 'checkout' } } });
    await h.driver.runUntilStable();
    expect(h.driver.callsTo('lattice-orphans', 'sync').length).toBeGreaterThan(classSyncs);
    expect(h.logs.filter((l) => l.event === 'orphan-sweep')).toHaveLength(sweepsBefore);

    await h.admin.resetCalls();
    await sweep(h);

    const after = await h.admin.state();
    expect(names(after.services)).toEqual(['foreign-lost', 'keep-apps', 'ours-no-owner', 'untagged']);
    expect(after.serviceNetworkServiceAssociations.map((a) => a.serviceArn)).toEqual([keepArn]);
    expect(after.listeners).toHaveLength(1);
    // The lost route's target group is gone (its targets first); the live route's and the foreign one stay.
    const keepGroup = names(before.targetGroups).find((n) => n.includes('-web-')) ?? '';
    expect(names(after.targetGroups)).toEqual([keepGroup, 'foreign-lost-tg'].sort());
    // The live route is untouched and stays programmed.
    expect(programmed(h, 'keep')).toBe(true);

    // One metric and one log line per removal.
    expect(await metric(h, 'lattice_gw_orphans_removed_total{resource="service-network-association"}')).toBe(1);
    expect(await metric(h, 'lattice_gw_orphans_removed_total{resource="service"}')).toBe(1);
    expect(await metric(h, 'lattice_gw_orphans_removed_total{resource="target-group"}')).toBe(1);
    const removals = h.logs.filter((l) => l.event === 'orphan-removed');
    expect(removals.map((l) => l.resourceType)).toEqual(['service-network-association', 'service', 'target-group']);
    for (const line of removals) expect(line.owner).toEqual({ kind: 'Route', namespace: 'apps', name: 'lost' });
    const calls = await h.admin.calls();
    expect(calls.byOperation.DeleteService).toBe(1);
    expect(calls.byOperation.DeleteTargetGroup).toBe(1);

    // The next sweep finds nothing to remove, reads no tag of what live routes record and none of
    // what it already knows is not ours: two lists and the one tag read of our owner-less service.
    await h.admin.resetCalls();
    await sweep(h);
    expect(lastSweep(h)).toMatchObject({ listed: 6, tagReads: 1, orphans: 0, pending: 0, complete: true, awsCalls: 3 });
    expect((await h.admin.calls()).byOperation).toMatchObject({ ListServices: 1, ListTargetGroups: 1 });
    expect(names((await h.admin.state()).services)).toEqual(['foreign-lost', 'keep-apps', 'ours-no-owner', 'untagged']);
  });

  it('keeps the resources of a force-deleted route younger than the grace age', async () => {
    await setUp({});
    forceDelete(h, 'lost');
    await h.admin.resetCalls();
    await sweep(h);
    expect(names((await h.admin.state()).services)).toEqual(['keep-apps', 'lost-apps']);
    // Too young to judge: not even its tags were read.
    expect(lastSweep(h)).toMatchObject({ listed: 4, tagReads: 0, orphans: 0, complete: true, awsCalls: 2 });
    expect(await metric(h, 'lattice_gw_orphans_removed_total{resource="service"}')).toBe(0);
  });

  it('does nothing with ORPHAN_SWEEP_SECONDS=0', async () => {
    await setUp({ ORPHAN_SWEEP_SECONDS: '0', ORPHAN_GRACE_SECONDS: '0' });
    forceDelete(h, 'lost');
    await h.admin.resetCalls();
    h.driver.resyncAll();
    await h.driver.runUntilStable();
    expect(names((await h.admin.state()).services)).toEqual(['keep-apps', 'lost-apps']);
    expect(h.driver.callsTo('lattice-orphans', 'sync').length).toBeGreaterThan(0);
    expect(h.logs.filter((l) => l.event === 'orphan-sweep')).toEqual([]);
  });

  it('removes the target group of a force-deleted ServiceExport in its own cluster only, in an account shared with another', async () => {
    const emulator = await startEmulator({ port: 0, transitionMs: 20 });
    const env = { DRIFT_CHECK_SECONDS: '0', ORPHAN_GRACE_SECONDS: '0' };
    h = await startHarness({ emulator, env: { ...env, CLUSTER_NAME: 'cluster-a', CLUSTER_VPC_ID: 'vpc-0aaaaaaaaaaaaaaa1' } });
    const b = await startHarness({ emulator, env: { ...env, CLUSTER_NAME: 'cluster-b', CLUSTER_VPC_ID: 'vpc-0bbbbbbbbbbbbbbb2' } });
    try {
      for (const cluster of [h, b]) installGatewayApi(cluster.cluster);
      const exportRef = { group: OURS, kind: 'ServiceExport', namespace: 'shop', name: 'reviews' };
      b.cluster.apply(service('shop', 'reviews'));
      b.cluster.apply(endpointSlice('shop', 'reviews', ['10.2.0.1']));
      b.cluster.apply({
        apiVersion: `${OURS}/v1alpha1`,
        kind: 'ServiceExport',
        metadata: {
          name: 'reviews',
          namespace: 'shop',
          annotations: { 'application-networking.k8s.aws/federation': 'amazon-vpc-lattice' },
        },
        spec: { exportedPorts: [{ port: 80, routeType: 'HTTP' }] },
      });
      await b.driver.runUntil(() => summary(statusOf(b.cluster.get(exportRef)).conditions).Programmed === 'True/Programmed');
      await b.driver.runUntilStable();
      const exported = names((await b.admin.state()).targetGroups);
      expect(exported).toHaveLength(1);

      forceDelete(b, 'reviews', exportRef);
      // Cluster A sweeps first: the group is an orphan, but cluster B's.
      await sweep(h);
      expect(names((await h.admin.state()).targetGroups)).toEqual(exported);
      expect(lastSweep(h)).toMatchObject({ tagReads: 1, orphans: 0 });

      await sweep(b);
      expect((await b.admin.state()).targetGroups).toEqual([]);
      expect(await metric(b, 'lattice_gw_orphans_removed_total{resource="target-group"}')).toBe(1);
      expect(b.logs.filter((l) => l.event === 'orphan-removed')).toEqual([
        expect.objectContaining({ resourceType: 'target-group', owner: { kind: 'ServiceExport', namespace: 'shop', name: 'reviews' } }),
      ]);
    } finally {
      await b.close();
      await h.close();
      await emulator.close();
      h = undefined as unknown as Harness;
    }
  });
});
