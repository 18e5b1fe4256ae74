import type { KubeObject } from '../../src/metacontroller/types';
import { GW, OURS } from '../support/assertions';
import type { EmulatorState } from '../../tools/emulatorAdmin';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { gateway } from '../support/objects';
import { endpointSlice, httpRoute, service } from '../support/routeFixtures';

/**
 * Lost responses: each write the hooks make, applied by Lattice and then failed anyway, while the
 * driver converges a small set of objects through create, change and delete. Reset once, the SDK
 * retries the call itself (maxAttempts 3): a create must come back as the resource the lost attempt
 * made (clientToken), a delete must take "not found" for done. Failed on every attempt, the pass
 * ends in 429 and a later pass must find what the call did. Every run must end where a run without
 * faults ends, with no duplicate, and leave nothing after deletion.
 */

const READER = 'arn:aws:iam::111122223333:role/reader';
const WRITER = 'arn:aws:iam::111122223333:role/writer';
const SG1 = 'sg-0123456789abcdef0';
const SG2 = 'sg-0fedcba9876543210';
const BUCKET = 'arn:aws:s3:::shop-access-logs';

const ours = (
  kind: string,
  namespace: string | undefined,
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): KubeObject => ({
  apiVersion: `${OURS}/v1alpha1`,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) },
  spec,
});
const authDocument = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
  });
const toRoute = { group: GW, kind: 'HTTPRoute', name: 'shop' };
const toGateway = { group: GW, kind: 'Gateway', name: 'edge' };
const parentRefs = [{ name: 'edge', namespace: 'infra' }];
const httpListener = { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } };
const simpleRoute = () => httpRoute('apps', 'shop', { parentRefs, rules: [{ backendRefs: [{ name: 'api', port: 80 }] }] });

/**
 * A small set of objects, created, changed, then deleted kind by kind; `writes` are the Lattice
 * writes its run makes, each of which the sweep makes lose its response.
 */
interface Scenario {
  /** Made before the objects (a network created by hand stays after deletion). */
  prepare?: (h: Harness) => Promise<unknown>;
  initial: KubeObject[];
  changed: KubeObject[];
  deletionOrder: string[];
  writes: string[];
}

const SCENARIOS: Record<string, Scenario> = {
  /** A route on a Gateway whose network was made by hand: service, association, listener, rules, target groups, targets. */
  route: {
    prepare: (h) => sharedNetworkGateway(h, 'infra', 'edge'),
    initial: [
      service('apps', 'api'),
      service('apps', 'web'),
      endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2']),
      endpointSlice('apps', 'web', ['10.0.2.1']),
      httpRoute('apps', 'shop', {
        parentRefs,
        rules: [
          { matches: [{ path: { type: 'Exact', value: '/api' } }], backendRefs: [{ name: 'api', port: 80 }] },
          { backendRefs: [{ name: 'web', port: 80 }] },
        ],
      }),
    ],
    // A rule goes, one comes, a rule's action and priority change, a backend (its target group) goes, targets move.
    changed: [
      endpointSlice('apps', 'api', ['10.0.1.2', '10.0.1.3']),
      httpRoute('apps', 'shop', {
        parentRefs,
        rules: [
          { matches: [{ path: { type: 'Exact', value: '/login' } }], backendRefs: [{ name: 'api', port: 80 }] },
          { backendRefs: [{ name: 'api', port: 80 }] },
        ],
      }),
    ],
    deletionOrder: ['HTTPRoute'],
    writes: [
      'CreateService',
      'CreateServiceNetworkServiceAssociation',
      'CreateListener',
      'CreateRule',
      'CreateTargetGroup',
      'RegisterTargets',
      'BatchUpdateRule',
      'DeleteRule',
      'DeregisterTargets',
      'DeleteTargetGroup',
      'DeleteServiceNetworkServiceAssociation',
      'DeleteService',
    ],
  },
  /** A network of our own for a Gateway, and its association with the cluster's VPC. */
  gateway: {
    initial: [
      ours('ServiceNetwork', undefined, 'edge', {}),
      gateway('infra', 'edge', 'amazon-vpc-lattice', [httpListener]),
      ours('VpcAssociationPolicy', 'infra', 'assoc', { targetRef: toGateway, securityGroupIds: [SG1] }),
    ],
    changed: [ours('VpcAssociationPolicy', 'infra', 'assoc', { targetRef: toGateway, securityGroupIds: [SG1, SG2] })],
    deletionOrder: ['VpcAssociationPolicy', 'Gateway', 'ServiceNetwork'],
    writes: [
      'CreateServiceNetwork',
      'CreateServiceNetworkVpcAssociation',
      'UpdateServiceNetworkVpcAssociation',
      'DeleteServiceNetworkVpcAssociation',
      'DeleteServiceNetwork',
    ],
  },
  /** An auth policy and an access log subscription on a route's service. */
  policies: {
    prepare: (h) => sharedNetworkGateway(h, 'infra', 'edge'),
    initial: [
      service('apps', 'api'),
      endpointSlice('apps', 'api', ['10.0.1.1']),
      simpleRoute(),
      ours('IAMAuthPolicy', 'apps', 'shop-auth', { targetRef: toRoute, policy: authDocument(READER) }),
      ours('AccessLogPolicy', 'apps', 'shop-logs', { targetRef: toRoute, destinationArn: BUCKET }),
    ],
    changed: [
      ours('IAMAuthPolicy', 'apps', 'shop-auth', { targetRef: toRoute, policy: authDocument(WRITER) }),
      ours('AccessLogPolicy', 'apps', 'shop-logs', { targetRef: toRoute, destinationArn: `${BUCKET}-archive` }),
    ],
    deletionOrder: ['AccessLogPolicy', 'IAMAuthPolicy', 'HTTPRoute'],
    writes: [
      'TagResource',
      'PutAuthPolicy',
      'UpdateService',
      'DeleteAuthPolicy',
      'UntagResource',
      'CreateAccessLogSubscription',
      'UpdateAccessLogSubscription',
      'DeleteAccessLogSubscription',
    ],
  },
  /** A Service exported to other clusters: its target group and targets. */
  export: {
    initial: [
      service('apps', 'api'),
      endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2']),
      ours(
        'ServiceExport',
        'apps',
        'api',
        { exportedPorts: [{ port: 80, routeType: 'HTTP' }] },
        { 'application-networking.k8s.aws/federation': 'amazon-vpc-lattice' },
      ),
    ],
    changed: [endpointSlice('apps', 'api', ['10.0.1.2', '10.0.1.3'])],
    deletionOrder: ['ServiceExport'],
    writes: ['CreateTargetGroup', 'RegisterTargets', 'DeregisterTargets', 'UntagResource', 'DeleteTargetGroup'],
  },
};

const refOf = (o: KubeObject) => ({
  group: o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '',
  kind: o.kind,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  name: o.metadata.name,
});

const ID = /\b(?:svc|tg|listener|rule|sn|snsa|snva|als)-[0-9a-z]{17}\b/g;
const ARN = /arn:aws:vpc-lattice:[^"\s,]+/g;

type Snapshot = Record<string, string[]>;

/**
 * The state with ids and ARNs replaced by the names of what they identify (ids are random; two
 * runs that made the same resources compare equal), times dropped, lists sorted. Draining targets
 * are left out: they are on their way out, and how far depends on timing alone.
 */
function normalize(state: EmulatorState): Snapshot {
  const names = new Map<string, string>();
  for (const [kind, list] of Object.entries(state) as [string, Record<string, unknown>[]][]) {
    for (const entry of list) {
      const label = `${kind}/${String(entry.name ?? entry.destinationArn ?? entry.serviceName ?? entry.vpcId ?? '?')}`;
      if (typeof entry.id === 'string') names.set(entry.id, label);
      if (typeof entry.arn === 'string') names.set(entry.arn, label);
    }
  }
  const out: Snapshot = {};
  for (const [kind, list] of Object.entries(state) as [string, Record<string, unknown>[]][]) {
    out[kind] = list
      .map((entry) =>
        Array.isArray(entry.targets)
          ? { ...entry, targets: (entry.targets as { status?: string }[]).filter((t) => t.status !== 'DRAINING') }
          : entry,
      )
      .map((entry) =>
        JSON.stringify(entry, (key, value: unknown) => (/At$/.test(key) ? undefined : value))
          .replace(ARN, (arn) => names.get(arn) ?? '<arn>')
          .replace(ID, (id) => names.get(id) ?? '<id>'),
      )
      .sort();
  }
  return out;
}

interface Run {
  before: Snapshot;
  created: Snapshot;
  changed: Snapshot;
  deleted: Snapshot;
  /** Hook answers other than 200 and 429 (429: retry later, which Metacontroller does). */
  failedHooks: string[];
  calls: Record<string, number>;
  /** How many calls the fault hit. */
  fired: number;
}

const TIMEOUT = { timeoutMs: 60_000 };
/** Cases run side by side (it.concurrent, up to jest's maxConcurrency) and wait for their scenario's baseline. */
const SWEEP_TIMEOUT_MS = 240_000;

async function lifecycle(scenario: Scenario, fault?: Record<string, unknown>): Promise<Run> {
  const h = await startHarness({ env: { DRIFT_CHECK_SECONDS: '0', LOG_LEVEL: 'warn' }, transitionMs: 5, timeScale: 0.002 });
  try {
    installGatewayApi(h.cluster);
    await scenario.prepare?.(h);
    const before = normalize(await h.admin.state());
    await h.admin.resetCalls();
    if (fault) await h.admin.addFault(fault);
    for (const object of scenario.initial) h.cluster.apply(object);
    await h.driver.runUntilStable(TIMEOUT);
    const created = normalize(await h.admin.state());
    for (const object of scenario.changed) h.cluster.apply(object);
    await h.driver.runUntilStable(TIMEOUT);
    const changed = normalize(await h.admin.state());
    const doomed = scenario.deletionOrder.flatMap((kind) => scenario.initial.filter((o) => o.kind === kind)).map(refOf);
    for (const ref of doomed) h.cluster.delete(ref);
    await h.driver.runUntil(() => doomed.every((ref) => h.cluster.get(ref) === undefined), TIMEOUT);
    const deleted = normalize(await h.admin.state());
    const failedHooks = h.driver.calls
      .filter((c) => c.statusCode !== 200 && c.statusCode !== 429)
      .map((c) => `${c.controller}/${c.hook} ${c.object} -> ${c.statusCode}`);
    const faults = ((await h.admin.ok('GET', 'faults')) as { faults: { fired: number }[] }).faults;
    return { before, created, changed, deleted, failedHooks, calls: (await h.admin.calls()).byOperation, fired: faults[0]?.fired ?? 0 };
  } finally {
    await h.close();
  }
}

const writesOf = (calls: Record<string, number>) =>
  Object.keys(calls)
    .filter((op) => !/^(Get|List)/.test(op))
    .sort();

/** The fault-free run of each scenario, made once and shared by its cases. */
const baselines = new Map<string, Promise<Run>>();
const baselineOf = (name: string): Promise<Run> => {
  let run = baselines.get(name);
  if (!run) {
    run = lifecycle(SCENARIOS[name] as Scenario);
    baselines.set(name, run);
  }
  return run;
};

/**
 * The faults each write is swept with: `ConnectionReset` once (the SDK's own retry repeats the
 * call, a create with its clientToken, a delete finding nothing), and `InternalServerException` on
 * every attempt the SDK makes (maxAttempts 3: the pass ends in 429 and the next pass must find what
 * the lost call did). SWEEP_FAULTS=ConnectionReset:3,InternalServerException:1,… runs other mixes.
 */
const FAULTS = (process.env.SWEEP_FAULTS ?? 'ConnectionReset:1,InternalServerException:3').split(',').map((f) => {
  const [error, times] = f.split(':');
  return { error: error ?? '', times: Number(times ?? '1') };
});
const CASES = Object.entries(SCENARIOS).flatMap(([name, scenario]) => scenario.writes.map((operation) => [name, operation] as const));

describe('lost responses: every write applied and then failed once converges like a run without faults', () => {
  it.concurrent.each(Object.keys(SCENARIOS))(
    'the %s scenario without faults makes exactly the writes swept, and leaves nothing',
    async (name) => {
      const baseline = await baselineOf(name);
      expect(baseline.failedHooks).toEqual([]);
      expect(writesOf(baseline.calls)).toEqual(expect.arrayContaining((SCENARIOS[name] as Scenario).writes));
      // Every write the scenario makes is swept, here or in the scenario it belongs to.
      expect(Object.values(SCENARIOS).flatMap((s) => s.writes)).toEqual(expect.arrayContaining(writesOf(baseline.calls)));
      expect(baseline.deleted).toEqual(baseline.before);
      expect(baseline.created).not.toEqual(baseline.before);
    },
    SWEEP_TIMEOUT_MS,
  );

  it.concurrent.each(CASES)(
    '%s: %s applied, then its response lost',
    async (name, operation) => {
      const baseline = await baselineOf(name);
      const scenario = SCENARIOS[name] as Scenario;
      const runs: Run[] = [];
      for (const { error, times } of FAULTS) runs.push(await lifecycle(scenario, { operation, error, commit: true, times }));
      const expected = { failedHooks: [], created: baseline.created, changed: baseline.changed, leftAfterDeletion: baseline.before };
      FAULTS.forEach(({ error, times }, i) => {
        const run = runs[i] as Run;
        // The fault took place as many times as asked: the write really was lost that often.
        expect({ fault: `${error} x${times}`, fired: run.fired }).toEqual({ fault: `${error} x${times}`, fired: times });
        expect({
          fault: `${error} x${times}`,
          failedHooks: run.failedHooks,
          created: run.created,
          changed: run.changed,
          leftAfterDeletion: run.deleted,
        }).toEqual({ fault: `${error} x${times}`, ...expected });
      });
    },
    SWEEP_TIMEOUT_MS,
  );
});
