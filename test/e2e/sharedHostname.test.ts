import {
  CreateServiceNetworkCommand,
  GetRuleCommand,
  ListListenersCommand,
  ListRulesCommand,
  ListServicesCommand,
  ListTargetGroupsCommand,
  type HttpMatch,
} from '@aws-sdk/client-vpc-lattice';
import { PROGRAMMED_CONDITION, SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { CUSTOM_DOMAIN_LABEL, HOSTNAME_GROUP_LABEL, SERVES_GROUP_ANNOTATION } from '../../src/model/hostnameGroup';
import { GW, statusOf } from '../support/assertions';
import { type Harness, installGatewayApi, startHarness } from '../support/harness';
import { gateway } from '../support/objects';
import { endpointSlice, service } from '../support/routeFixtures';

const NS = 'gateway-conformance-infra';
const SHARED_ANNOTATION = 'application-networking.k8s.aws/shared-lattice-service-arn';

/** The upstream HTTPRouteMatchingAcrossRoutes manifests (conformance/tests/httproute-matching-across-routes.yaml). */
function part1() {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: 'matching-part1', namespace: NS },
    spec: {
      parentRefs: [{ name: 'same-namespace' }],
      hostnames: ['example.com', 'example.net'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }, { headers: [{ name: 'version', value: 'one' }] }],
          backendRefs: [{ name: 'infra-backend-v1', port: 8080 }],
        },
      ],
    },
  };
}

function part2() {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: 'matching-part2', namespace: NS },
    spec: {
      hostnames: ['example.com'],
      parentRefs: [{ name: 'same-namespace' }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/v2' } }, { headers: [{ name: 'version', value: 'two' }] }],
          backendRefs: [{ name: 'infra-backend-v2', port: 8080 }],
        },
      ],
    },
  };
}

type Conditions = Record<string, { status: string; reason: string; message: string; observedGeneration?: number }>;

function conditions(h: Harness, name: string): Conditions {
  const parents =
    (statusOf(h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name })).parents as
      | { conditions: { type: string; status: string; reason: string; message: string }[] }[]
      | undefined) ?? [];
  return Object.fromEntries((parents[0]?.conditions ?? []).map((c) => [c.type, c]));
}

const programmed = (h: Harness, name: string) => conditions(h, name)[PROGRAMMED_CONDITION]?.status === 'True';

interface LatticeRule {
  name: string;
  priority: number;
  match: HttpMatch | undefined;
  targetGroups: string[];
}

/** Every Lattice service with its custom domain and the rules of its one listener, target groups by name. */
async function latticeServices(h: Harness): Promise<{ arn: string; name: string; customDomainName?: string; rules: LatticeRule[] }[]> {
  const groups = new Map(((await h.lattice.send(new ListTargetGroupsCommand({}))).items ?? []).map((g) => [g.id, g.name ?? '']));
  const out = [];
  for (const s of (await h.lattice.send(new ListServicesCommand({}))).items ?? []) {
    const rules: LatticeRule[] = [];
    for (const l of (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: s.id }))).items ?? []) {
      for (const r of (await h.lattice.send(new ListRulesCommand({ serviceIdentifier: s.id, listenerIdentifier: l.id }))).items ?? []) {
        if (r.isDefault) continue;
        const rule = await h.lattice.send(new GetRuleCommand({ serviceIdentifier: s.id, listenerIdentifier: l.id, ruleIdentifier: r.id }));
        rules.push({
          name: rule.name ?? '',
          priority: rule.priority ?? 0,
          match: rule.match?.httpMatch,
          targetGroups: (rule.action?.forward?.targetGroups ?? []).map((t) => groups.get(t.targetGroupIdentifier) ?? ''),
        });
      }
    }
    out.push({ arn: s.arn ?? '', name: s.name ?? '', ...(s.customDomainName ? { customDomainName: s.customDomainName } : {}), rules });
  }
  return out;
}

/** Which backend Lattice sends a request to: the matching rule of lowest priority (path prefix/exact and exact headers). */
function backendFor(rules: readonly LatticeRule[], path: string, headers: Record<string, string> = {}): string | undefined {
  const matches = (m: HttpMatch | undefined) => {
    const p = m?.pathMatch?.match;
    const pathOk = p?.exact !== undefined ? path === p.exact : p?.prefix !== undefined ? path.startsWith(p.prefix) : true;
    const headersOk = (m?.headerMatches ?? []).every((hm) => headers[hm.name?.toLowerCase() ?? ''] === hm.match?.exact);
    return pathOk && headersOk;
  };
  const rule = [...rules].sort((a, b) => a.priority - b.priority).find((r) => matches(r.match));
  const group = rule?.targetGroups[0] ?? '';
  return group.includes('infra-backend-v1') ? 'v1' : group.includes('infra-backend-v2') ? 'v2' : undefined;
}

/** The upstream test's requests to example.com, and where each must land. */
function expectUpstreamRouting(rules: readonly LatticeRule[]): void {
  expect(backendFor(rules, '/')).toBe('v1');
  expect(backendFor(rules, '/example')).toBe('v1');
  expect(backendFor(rules, '/v2')).toBe('v2');
  expect(backendFor(rules, '/v2/example')).toBe('v2');
  expect(backendFor(rules, '/', { version: 'one' })).toBe('v1');
  expect(backendFor(rules, '/', { version: 'two' })).toBe('v2');
}

async function setUp(): Promise<Harness> {
  const h = await startHarness();
  installGatewayApi(h.cluster);
  await h.lattice.send(new CreateServiceNetworkCommand({ name: 'same-namespace' }));
  h.cluster.apply(gateway(NS, 'same-namespace', 'amazon-vpc-lattice', [{ name: 'http', protocol: 'HTTP', port: 80 }]));
  for (const name of ['infra-backend-v1', 'infra-backend-v2']) {
    h.cluster.apply(service(NS, name, [{ port: 8080, name: 'http' }]));
    h.cluster.apply(endpointSlice(NS, name, [`10.0.${name.length}.1`]));
  }
  return h;
}

describe('routes sharing a hostname share one Lattice service (upstream HTTPRouteMatchingAcrossRoutes)', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('programs both routes into one service, ordered by precedence across them, each with its own status', async () => {
    h = await setUp();
    h.cluster.apply(part1());
    await h.driver.runUntil(() => programmed(h, 'matching-part1'));
    h.cluster.apply(part2());
    await h.driver.runUntil(() => programmed(h, 'matching-part2'));
    await h.driver.runUntilStable();

    for (const name of ['matching-part1', 'matching-part2']) {
      const c = conditions(h, name);
      expect(c.Accepted).toMatchObject({ status: 'True', reason: 'Accepted' });
      expect(c.ResolvedRefs).toMatchObject({ status: 'True', reason: 'ResolvedRefs' });
      expect(c[PROGRAMMED_CONDITION]).toMatchObject({ status: 'True', reason: 'Programmed' });
    }
    const services = await latticeServices(h);
    expect(services).toHaveLength(1);
    const [shared] = services;
    expect(shared?.customDomainName).toBe('example.com');
    // part1: `/` and the header match; part2: `/v2` (exact and `/v2/` prefix: Lattice has no segment prefix) and its header match.
    expect(shared?.rules).toHaveLength(5);
    expectUpstreamRouting(shared?.rules ?? []);
    expect(new Set(shared?.rules.map((r) => r.priority)).size).toBe(5);
    // The follower's record names the shared service, not a service of its own.
    const follower = h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part2' });
    expect(follower?.metadata.annotations?.['application-networking.k8s.aws/shared-lattice-service-arn']).toBe(shared?.arn);
    expect(follower?.metadata.annotations?.['application-networking.k8s.aws/lattice-service-arn']).toBeUndefined();
  });

  it('orders by precedence whichever route came first, and keeps the leader serving when a follower goes', async () => {
    h = await setUp();
    // part2 first: it is the older route, so it leads, and part1 puts its rules into part2's service.
    h.cluster.apply(part2());
    await h.driver.runUntil(() => programmed(h, 'matching-part2'));
    h.cluster.apply(part1());
    await h.driver.runUntil(() => programmed(h, 'matching-part1') && programmed(h, 'matching-part2'));
    await h.driver.runUntilStable();
    const services = await latticeServices(h);
    expect(services.filter((s) => s.customDomainName === 'example.com')).toHaveLength(1);
    const serving = services.find((s) => s.customDomainName === 'example.com' && s.rules.length === 5);
    expect(serving).toBeDefined();
    expectUpstreamRouting(serving?.rules ?? []);

    await h.admin.resetCalls();
    // Its rules leave a service that goes on serving: its group is drained before it goes, also
    // when its annotations (anyone can edit them) record a service of its own that is gone.
    const follower = h.cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part1' });
    const goneService = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0123456789abcdef0';
    h.cluster.update({
      ...follower,
      metadata: { ...follower.metadata, annotations: { ...follower.metadata.annotations, [SERVICE_ARN_ANNOTATION]: goneService } },
    });
    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part1' });
    await h.driver.runUntilStable();
    expect((await h.admin.calls()).byOperation.DeregisterTargets).toBe(1);
    const after = await latticeServices(h);
    expect(after).toHaveLength(1);
    expect(after[0]?.arn).toBe(serving?.arn);
    expect(after[0]?.rules).toHaveLength(3);
    expect(backendFor(after[0]?.rules ?? [], '/v2')).toBe('v2');
    expect(backendFor(after[0]?.rules ?? [], '/')).toBeUndefined();
    expect(programmed(h, 'matching-part2')).toBe(true);
    const groups = (await h.lattice.send(new ListTargetGroupsCommand({}))).items ?? [];
    expect(groups.map((g) => g.name).filter((n) => n?.includes('infra-backend-v1'))).toEqual([]);
  });

  it('hands the service to the next route when the leader goes, then removes it with the last route', async () => {
    h = await setUp();
    h.cluster.apply(part1());
    h.cluster.apply(part2());
    await h.driver.runUntil(() => programmed(h, 'matching-part1') && programmed(h, 'matching-part2'));
    await h.driver.runUntilStable();
    const [before] = await latticeServices(h);

    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part1' });
    await h.driver.runUntilStable();
    const after = await latticeServices(h);
    expect(after).toHaveLength(1);
    expect(after[0]?.arn).toBe(before?.arn);
    expect(after[0]?.rules).toHaveLength(3);
    expect(backendFor(after[0]?.rules ?? [], '/v2')).toBe('v2');
    expect(backendFor(after[0]?.rules ?? [], '/')).toBeUndefined();
    expect(programmed(h, 'matching-part2')).toBe(true);
    const inheritor = h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part2' });
    expect(inheritor?.metadata.annotations?.['application-networking.k8s.aws/lattice-service-arn']).toBe(before?.arn);

    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part2' });
    await h.driver.runUntilStable();
    expect(await latticeServices(h)).toEqual([]);
    const left = ((await h.lattice.send(new ListTargetGroupsCommand({}))).items ?? []).filter((g) => g.status !== 'DELETE_IN_PROGRESS');
    expect(left).toEqual([]);
  });

  it('a route with a service of its own that moves to the hostname removes that service and joins the group', async () => {
    h = await setUp();
    h.cluster.apply(part1());
    const elsewhere = part2();
    h.cluster.apply({ ...elsewhere, spec: { ...elsewhere.spec, hostnames: ['other.example.com'] } });
    await h.driver.runUntil(() => programmed(h, 'matching-part1') && programmed(h, 'matching-part2'));
    await h.driver.runUntilStable();
    expect((await latticeServices(h)).map((s) => s.customDomainName).sort()).toEqual(['example.com', 'other.example.com']);

    // A lone route cannot change its custom domain (Lattice cannot); a route joining a group leaves its service instead.
    h.cluster.apply(part2());
    await h.driver.runUntil(
      () => conditions(h, 'matching-part2')[PROGRAMMED_CONDITION]?.message.includes('leaving its own Lattice service') === true,
    );
    await h.driver.runUntil(() => programmed(h, 'matching-part2'));
    await h.driver.runUntilStable();
    const services = await latticeServices(h);
    expect(services.map((s) => s.name)).toEqual(['matching-part1-gateway-conformance-infra']);
    expectUpstreamRouting(services[0]?.rules ?? []);
    const joined = h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part2' });
    expect(joined?.metadata.labels?.[CUSTOM_DOMAIN_LABEL]).toBe(
      h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'matching-part1' })?.metadata.labels?.[CUSTOM_DOMAIN_LABEL],
    );
  });
});

describe('routes sharing a hostname: members leaving, joining and disagreeing', () => {
  const route = (name: string, path: string, backend: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ name: 'same-namespace' }],
      hostnames: ['example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ name: backend, port: 8080 }] }],
      ...extra,
    },
  });
  const live = async (h: Harness) => (await latticeServices(h)).filter((s) => s.customDomainName !== undefined || s.rules.length > 0);
  const annotationsOf = (h: Harness, name: string) =>
    h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name })?.metadata.annotations ?? {};
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  /** Route `leader` on `/`, then the younger `follower` on `/a` in its service; both programmed, nothing left to sync. */
  const leaderAndFollower = async (follower: string) => {
    h.cluster.apply(route('leader', '/', 'infra-backend-v1'));
    await tick();
    h.cluster.apply(route(follower, '/a', 'infra-backend-v2'));
    await h.driver.runUntil(() => programmed(h, 'leader') && programmed(h, follower));
    await h.driver.runUntilStable();
  };
  let h: Harness;
  afterEach(async () => h.close());

  it('a follower that is detached takes its rules out of the shared service, and frees their priorities', async () => {
    h = await setUp();
    h.cluster.apply(route('leader', '/', 'infra-backend-v1'));
    await tick();
    await h.driver.runUntil(() => programmed(h, 'leader'));
    h.cluster.apply(route('f1', '/a', 'infra-backend-v2'));
    await tick();
    // No backend: its rule answers 500 and it has no target group; only its rules are in Lattice.
    h.cluster.apply(route('f2', '/bbbbbbbb', 'missing'));
    await h.driver.runUntil(() => programmed(h, 'f1') && programmed(h, 'f2'));
    await h.driver.runUntilStable();
    expect((await live(h))[0]?.rules.map((r) => r.match?.pathMatch?.match?.prefix ?? r.match?.pathMatch?.match?.exact)).toContain(
      '/bbbbbbbb',
    );

    h.cluster.apply(route('f2', '/bbbbbbbb', 'missing', { parentRefs: [{ name: 'same-namespace', sectionName: 'nope' }] }));
    await h.driver.runUntilStable();
    const paths = (await live(h))[0]?.rules.map((r) => r.match?.pathMatch?.match?.prefix ?? r.match?.pathMatch?.match?.exact);
    expect(paths).not.toContain('/bbbbbbbb');
    expect(paths).not.toContain('/bbbbbbbb/');
    expect(annotationsOf(h, 'f2')[SHARED_ANNOTATION]).toBeUndefined();

    h.cluster.apply(route('f1', '/cccccccccccccccc', 'infra-backend-v2'));
    await h.driver.runUntil(() => programmed(h, 'f1') && conditions(h, 'f1')[PROGRAMMED_CONDITION]?.observedGeneration === 2);
    await h.driver.runUntilStable();
    expect(programmed(h, 'f1')).toBe(true);
  });

  it('a route handed the service and deleted at once deletes it: nothing is left', async () => {
    h = await setUp();
    await leaderAndFollower('succ');
    let deleted = false;
    h.driver.afterEachCall = async () => {
      if (deleted || h.driver.callsTo('lattice-httproute', 'finalize').length === 0) return;
      deleted = true;
      h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'succ' });
    };
    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'leader' });
    await h.driver.runUntilStable();
    expect(deleted).toBe(true);
    expect(await latticeServices(h)).toEqual([]);
  });

  it('routes that disagree on the group (other networks) are not merged: the younger says HostnameConflict, not Pending', async () => {
    h = await setUp();
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'second-network' }));
    h.cluster.apply(gateway(NS, 'second-network', 'amazon-vpc-lattice', [{ name: 'http', protocol: 'HTTP', port: 80 }]));
    h.cluster.apply(route('older', '/', 'infra-backend-v1', { parentRefs: [{ name: 'same-namespace' }, { name: 'second-network' }] }));
    await tick();
    await h.driver.runUntil(() => programmed(h, 'older'));
    h.cluster.apply(route('younger', '/a', 'infra-backend-v2'));
    await h.driver.runUntil(() => conditions(h, 'younger')[PROGRAMMED_CONDITION]?.reason === 'HostnameConflict');
    await h.driver.runUntilStable();
    expect(conditions(h, 'younger')[PROGRAMMED_CONDITION]).toMatchObject({ status: 'False', reason: 'HostnameConflict' });
    expect(programmed(h, 'older')).toBe(true);
  });

  it('a leader whose hostname changes hands the service to its followers and gets a service of its own', async () => {
    h = await setUp();
    await leaderAndFollower('follower');
    const shared = (await live(h))[0]?.arn;

    h.cluster.apply(route('leader', '/', 'infra-backend-v1', { hostnames: ['elsewhere.example.com'] }));
    await h.driver.runUntil(() => conditions(h, 'leader')[PROGRAMMED_CONDITION]?.observedGeneration === 2 && programmed(h, 'leader'));
    await h.driver.runUntilStable();
    const services = await live(h);
    expect(services.map((s) => s.customDomainName).sort()).toEqual(['elsewhere.example.com', 'example.com']);
    const kept = services.find((s) => s.customDomainName === 'example.com');
    expect(kept?.arn).toBe(shared);
    expect(backendFor(kept?.rules ?? [], '/a')).toBe('v2');
    expect(backendFor(kept?.rules ?? [], '/')).toBeUndefined();
    expect(programmed(h, 'follower')).toBe(true);
    expect(annotationsOf(h, 'follower')['application-networking.k8s.aws/lattice-service-arn']).toBe(shared);
  });

  it('an older route moving to the hostname joins the group without taking the service from the route serving it', async () => {
    h = await setUp();
    h.cluster.apply(route('older', '/', 'infra-backend-v1', { hostnames: ['elsewhere.example.com'] }));
    await tick();
    h.cluster.apply(route('serving', '/a', 'infra-backend-v2'));
    await h.driver.runUntil(() => programmed(h, 'older') && programmed(h, 'serving'));
    await h.driver.runUntilStable();
    const serving = (await live(h)).find((s) => s.customDomainName === 'example.com')?.arn;

    h.cluster.apply(route('older', '/', 'infra-backend-v1'));
    await h.driver.runUntil(() => conditions(h, 'older')[PROGRAMMED_CONDITION]?.observedGeneration === 2 && programmed(h, 'older'));
    await h.driver.runUntilStable();
    const services = await live(h);
    expect(services.map((s) => s.arn)).toEqual([serving]);
    expect(backendFor(services[0]?.rules ?? [], '/')).toBe('v1');
    expect(backendFor(services[0]?.rules ?? [], '/a')).toBe('v2');
    expect(annotationsOf(h, 'older')[SHARED_ANNOTATION]).toBe(serving);
  });

  it('claims on a route that is not a member (not attached, not ours) change nothing: labels and annotations are claims', async () => {
    h = await setUp();
    // Learn the group key and a service ARN from a first route, then remove it.
    h.cluster.apply(route('victim', '/', 'infra-backend-v1'));
    await h.driver.runUntil(() => programmed(h, 'victim'));
    const first = h.cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'victim' });
    const labels = first.metadata.labels ?? {};
    const key = labels[HOSTNAME_GROUP_LABEL] ?? '';
    const oldService = first.metadata.annotations?.['application-networking.k8s.aws/lattice-service-arn'] ?? '';
    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'victim' });
    await h.driver.runUntil(() => h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'victim' }) === undefined);
    // Older than the next route, claims to serve its group with a service; attached to no Lattice Gateway.
    h.cluster.apply({
      apiVersion: `${GW}/v1`,
      kind: 'HTTPRoute',
      metadata: {
        name: 'squatter',
        namespace: NS,
        labels: {
          [HOSTNAME_GROUP_LABEL]: key,
          [CUSTOM_DOMAIN_LABEL]: labels[CUSTOM_DOMAIN_LABEL] ?? '',
          'application-networking.k8s.aws/managed': 'true',
        },
        annotations: { [SERVES_GROUP_ANNOTATION]: key, 'application-networking.k8s.aws/lattice-service-arn': oldService },
      },
      spec: {
        parentRefs: [{ name: 'somewhere-else' }],
        hostnames: ['example.com'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'x', port: 80 }] }],
      },
    });
    await tick();
    h.cluster.apply(route('victim', '/', 'infra-backend-v1'));
    await h.driver.runUntil(() => programmed(h, 'victim'));
    await h.driver.runUntilStable();
    const services = await live(h);
    expect(services).toHaveLength(1);
    expect(backendFor(services[0]?.rules ?? [], '/')).toBe('v1');
    expect(
      h.cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'victim' }).metadata.annotations?.[SHARED_ANNOTATION],
    ).toBeUndefined();
  });

  it('a leader deleted before the joining route followed its service deletes it; the joining route then serves alone', async () => {
    h = await setUp();
    h.cluster.apply(route('leader', '/', 'infra-backend-v1'));
    await h.driver.runUntil(() => programmed(h, 'leader'));
    await h.driver.runUntilStable();
    h.cluster.apply(route('joining', '/a', 'infra-backend-v2'));
    // Labelled (it published its group) but not yet following: then the leader goes.
    await h.driver.runUntil(
      () =>
        h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'joining' })?.metadata.labels?.[HOSTNAME_GROUP_LABEL] !==
        undefined,
    );
    expect(annotationsOf(h, 'joining')[SHARED_ANNOTATION]).toBeUndefined();
    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: NS, name: 'leader' });
    await h.driver.runUntil(() => programmed(h, 'joining'));
    await h.driver.runUntilStable();
    const services = await live(h);
    expect(services).toHaveLength(1);
    expect(backendFor(services[0]?.rules ?? [], '/a')).toBe('v2');
  });

  it('a route whose hostname comes only from the listener is not merged: the other says HostnameConflict, not Pending', async () => {
    h = await setUp();
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'host-gw' }));
    h.cluster.apply(
      gateway(NS, 'host-gw', 'amazon-vpc-lattice', [{ name: 'http', protocol: 'HTTP', port: 80, hostname: 'abc.example.com' }]),
    );
    h.cluster.apply(route('wildcard', '/', 'infra-backend-v1', { parentRefs: [{ name: 'host-gw' }], hostnames: ['*.example.com'] }));
    await tick();
    await h.driver.runUntil(() => programmed(h, 'wildcard'));
    h.cluster.apply(route('exact', '/a', 'infra-backend-v2', { parentRefs: [{ name: 'host-gw' }], hostnames: ['abc.example.com'] }));
    await h.driver.runUntil(() => conditions(h, 'exact')[PROGRAMMED_CONDITION]?.reason === 'HostnameConflict');
    await h.driver.runUntilStable();
    expect(conditions(h, 'exact')[PROGRAMMED_CONDITION]).toMatchObject({ status: 'False', reason: 'HostnameConflict' });
    expect(programmed(h, 'wildcard')).toBe(true);
  });
});
