import type { RouteModel } from '../../../src/model/routeModel';
import type { LatticeRuleModel } from '../../../src/model/rules';
import type { TargetGroupModel } from '../../../src/model/targetGroups';
import { planRoute, type PlanOp } from '../../../src/lattice/routePlan';
import type { ObservedListener, ObservedRoute, ObservedRule } from '../../../src/lattice/routeState';
import type { ObservedTargetGroup } from '../../../src/lattice/targetGroupState';

const TG: TargetGroupModel = {
  key: 'ns/web:80',
  name: 'k8s-web',
  config: { port: 80, protocol: 'HTTP', healthCheck: { enabled: false } },
  tags: {},
  targets: [{ id: '10.0.0.1', port: 8080 }],
};
const get: LatticeRuleModel = {
  name: 'r-get',
  priority: 1,
  ruleIndex: 0,
  match: { method: 'GET' },
  action: { forward: [{ key: 'ns/web:80', weight: 1 }] },
};
const post: LatticeRuleModel = {
  name: 'r-post',
  priority: 2,
  ruleIndex: 1,
  match: { method: 'POST' },
  action: { forward: [{ key: 'ns/web:80', weight: 1 }] },
};

function model(overrides: Partial<RouteModel> = {}): RouteModel {
  return {
    service: { name: 'svc', tags: { owner: 'me' } },
    listeners: [{ name: 'http-80', port: 80, protocol: 'HTTP', defaultAction: { fixedResponse: 404 } }],
    rules: [get, post],
    targetGroups: [TG],
    networks: [],
    externalTargetGroups: {},
    ...overrides,
  };
}

const observedTg = (overrides: Partial<ObservedTargetGroup> = {}): ObservedTargetGroup => ({
  arn: 'arn:tg/tg-1',
  id: 'tg-1',
  name: 'k8s-web',
  status: 'ACTIVE',
  config: { healthCheck: { enabled: false } },
  serviceArns: [],
  targets: [{ id: '10.0.0.1', port: 8080, status: 'HEALTHY' }],
  ...overrides,
});

const rule = (name: string, priority: number, match: ObservedRule['match'], weight = 1): ObservedRule => ({
  id: `id-${name}`,
  name,
  priority,
  isDefault: false,
  match,
  action: { forward: { targetGroups: [{ targetGroupIdentifier: 'tg-1', weight }] } },
});

const listener = (rules: ObservedRule[]): ObservedListener => ({
  id: 'l-1',
  arn: 'arn:l',
  name: 'http-80',
  port: 80,
  protocol: 'HTTP',
  rules: [{ id: 'default', name: 'default', priority: undefined, isDefault: true, match: undefined, action: undefined }, ...rules],
  defaultAction: undefined,
});

function observed(overrides: Partial<ObservedRoute> = {}): ObservedRoute {
  return {
    service: {
      arn: 'arn:svc',
      id: 'svc-1',
      name: 'svc',
      status: 'ACTIVE',
      dnsName: 'svc.on.aws',
      customDomainName: undefined,
      certificateArn: undefined,
      tags: { owner: 'me' },
    },
    listeners: [listener([rule('r-get', 1, { method: 'GET' }), rule('r-post', 2, { method: 'POST' })])],
    targetGroups: [observedTg()],
    associations: [],
    ...overrides,
  };
}

const kinds = (ops: PlanOp[]) => ops.map((o) => o.kind);

describe('route plan', () => {
  it('nothing to do when Lattice matches the model (zero operations)', () => {
    expect(planRoute(model(), observed(), new Set())).toEqual({ ops: [], waits: [], refusals: [] });
  });

  it('builds everything in dependency order for a new route', () => {
    const plan = planRoute(
      model({ networks: ['arn:sn'] }),
      { service: undefined, listeners: [], targetGroups: [], associations: [] },
      new Set(),
    );
    expect(kinds(plan.ops)).toEqual(['createTargetGroup', 'createService', 'createListener', 'createRule', 'createRule']);
    // Case 29: a new HTTP listener answers 404 by default.
    expect(plan.ops[2]).toMatchObject({ kind: 'createListener', listener: { defaultAction: { fixedResponse: 404 } } });
    expect(plan.waits).toEqual([
      'target group k8s-web is being created; its targets follow',
      'the Lattice service is being created; its associations follow',
    ]);
  });

  it('swapped priorities become one BatchUpdateRule', () => {
    const plan = planRoute(
      model(),
      observed({ listeners: [listener([rule('r-get', 2, { method: 'GET' }), rule('r-post', 1, { method: 'POST' })])] }),
      new Set(),
    );
    expect(plan.ops).toEqual([
      {
        kind: 'updateRules',
        port: 80,
        updates: [
          { ruleName: 'r-get', priority: 1 },
          { ruleName: 'r-post', priority: 2 },
        ],
      },
    ]);
  });

  it('refuses to rename a service or change its custom domain, and updates a changed certificate in place', () => {
    const domain = planRoute(
      model({ service: { name: 'svc', tags: { owner: 'me' }, customDomainName: 'new.example.com', certificateArn: 'arn:cert' } }),
      observed(),
      new Set(),
    );
    expect(domain.refusals).toEqual([expect.stringContaining('has custom domain (none), not new.example.com')]);
    expect(kinds(domain.ops)).toEqual([]);
    const renamed = planRoute(model({ service: { name: 'other', tags: { owner: 'me' } } }), observed(), new Set());
    expect(renamed.refusals).toEqual([expect.stringContaining('is named svc, not other')]);
    const withDomain = observed({ service: { ...observed().service!, customDomainName: 'a.example.com', certificateArn: 'arn:old' } });
    const cert = planRoute(
      model({ service: { name: 'svc', tags: { owner: 'me' }, customDomainName: 'a.example.com', certificateArn: 'arn:new' } }),
      withDomain,
      new Set(),
    );
    expect(cert.ops).toEqual([{ kind: 'updateServiceCertificate', certificateArn: 'arn:new' }]);
  });

  it('a new rule whose priority is taken is created on a free one, then moved in the same batch', () => {
    const head: LatticeRuleModel = { ...post, name: 'r-head', match: { method: 'HEAD' }, priority: 1 };
    const plan = planRoute(
      model({ rules: [head, { ...get, priority: 2 }] }),
      observed({ listeners: [listener([rule('r-get', 1, { method: 'GET' })])] }),
      new Set(),
    );
    expect(plan.ops).toEqual([
      { kind: 'createRule', port: 80, rule: head, priority: 2000 },
      {
        kind: 'updateRules',
        port: 80,
        updates: [
          { ruleName: 'r-head', priority: 1 },
          { ruleName: 'r-get', priority: 2 },
        ],
      },
    ]);
  });

  it('an unchanged match with a new action is updated in place; a removed match is deleted', () => {
    const plan = planRoute(
      model({ rules: [get] }),
      observed({ listeners: [listener([rule('r-get', 1, { method: 'GET' }, 5), rule('r-post', 2, { method: 'POST' })])] }),
      new Set(),
    );
    expect(plan.ops).toEqual([
      { kind: 'deleteRule', port: 80, ruleName: 'r-post' },
      { kind: 'updateRules', port: 80, updates: [{ ruleName: 'r-get', action: get.action }] },
    ]);
  });

  it('restores in place the match of a rule edited out of band, with its priority when that moved too', () => {
    const plan = planRoute(
      model(),
      observed({ listeners: [listener([rule('r-get', 1, { method: 'DELETE' }), rule('r-post', 3, { method: 'PUT' })])] }),
      new Set(),
    );
    expect(plan.ops).toEqual([
      {
        kind: 'updateRules',
        port: 80,
        updates: [
          { ruleName: 'r-post', priority: 2, match: post.match },
          { ruleName: 'r-get', match: get.match },
        ],
      },
    ]);
  });

  it('moves many rules in two phases so no batch collides', () => {
    const rules = Array.from(
      { length: 12 },
      (_, i): LatticeRuleModel => ({ ...get, name: `r${i}`, match: { method: `M${i}` }, priority: i + 1 }),
    );
    const current = rules.map((r, i) => rule(r.name, 12 - i, r.match));
    const plan = planRoute(model({ rules }), observed({ listeners: [listener(current)] }), new Set());
    const batches = plan.ops.filter((o): o is Extract<PlanOp, { kind: 'updateRules' }> => o.kind === 'updateRules');
    expect(batches.map((b) => b.updates.length)).toEqual([10, 2, 10, 2]);
    const parked = batches.slice(0, 2).flatMap((b) => b.updates.map((u) => u.priority));
    expect(parked.every((p) => (p ?? 0) > 12)).toBe(true);
  });

  it('registers and deregisters targets in chunks of 100, ignoring draining ones', () => {
    const desired = Array.from({ length: 150 }, (_, i) => ({ id: `10.1.${Math.floor(i / 200)}.${i % 200}`, port: 8080 }));
    const tg = { ...TG, targets: desired };
    const plan = planRoute(
      model({ targetGroups: [tg] }),
      observed({
        targetGroups: [
          observedTg({
            targets: [
              { id: '10.9.9.9', port: 8080, status: 'HEALTHY' },
              { id: '10.8.8.8', port: 8080, status: 'DRAINING' },
            ],
          }),
        ],
      }),
      new Set(),
    );
    expect(
      plan.ops.map((o) => (o.kind === 'registerTargets' || o.kind === 'deregisterTargets' ? `${o.kind}:${o.targets.length}` : o.kind)),
    ).toEqual(['registerTargets:100', 'registerTargets:50', 'deregisterTargets:1']);
  });

  it('waits for a target group still being created instead of registering into it', () => {
    const plan = planRoute(
      model(),
      observed({ targetGroups: [observedTg({ status: 'CREATE_IN_PROGRESS', targets: undefined })] }),
      new Set(),
    );
    expect(kinds(plan.ops)).toEqual([]);
    expect(plan.waits).toEqual(['target group k8s-web is CREATE_IN_PROGRESS']);
  });

  it('creates missing associations, deletes unwanted ones, waits for one still being deleted', () => {
    const plan = planRoute(
      model({ networks: ['sn1', 'sn2', 'sn3'] }),
      observed({
        associations: [
          { arn: 'a1', id: '1', serviceNetworkArn: 'sn1', status: 'ACTIVE' },
          { arn: 'a4', id: '4', serviceNetworkArn: 'sn4', status: 'ACTIVE' },
          { arn: 'a3', id: '3', serviceNetworkArn: 'sn3', status: 'DELETE_IN_PROGRESS' },
        ],
      }),
      new Set(),
    );
    expect(plan.ops).toEqual([
      { kind: 'createAssociation', serviceNetworkArn: 'sn2' },
      { kind: 'deleteAssociation', associationArn: 'a4', serviceNetworkArn: 'sn4' },
    ]);
    expect(plan.waits).toEqual(['association with sn2 is being created', 'a previous association with sn3 is being deleted']);
    expect(plan.refusals).toEqual([]);
  });

  it('adds only missing or changed service tags, and retires our target groups nothing uses any more', () => {
    const old = observedTg({ arn: 'arn:tg/tg-old', id: 'tg-old', name: 'k8s-old' });
    const foreign = observedTg({ arn: 'arn:tg/tg-ext', id: 'tg-ext', name: 'external' });
    const plan = planRoute(
      model({ service: { name: 'svc', tags: { owner: 'me', team: 'a' } } }),
      observed({ targetGroups: [observedTg(), old, foreign] }),
      new Set(['arn:tg/tg-old', 'arn:tg/tg-1']),
    );
    expect(plan.ops).toEqual([
      { kind: 'tagService', tags: { team: 'a' } },
      { kind: 'retireTargetGroup', targetGroupArn: 'arn:tg/tg-old', targetGroupName: 'k8s-old' },
    ]);
  });

  it('replaces a listener whose protocol changed, and deletes listeners on ports no longer wanted', () => {
    const https = { name: 'https-80', port: 80, protocol: 'HTTPS' as const, defaultAction: { fixedResponse: 404 as const } };
    const plan = planRoute(
      model({ listeners: [https] }),
      observed({ listeners: [listener([]), { ...listener([]), id: 'l-2', port: 8080 }] }),
      new Set(),
    );
    expect(kinds(plan.ops)).toEqual(['deleteListener', 'deleteListener', 'createListener', 'createRule', 'createRule']);
  });

  it('switches a rule to a replacement target group only once it has its targets, and keeps the old one until then', () => {
    const replacement: TargetGroupModel = { ...TG, name: 'k8s-web-h2' };
    const old = observedTg({ arn: 'arn:tg/tg-1', id: 'tg-1', name: 'k8s-web' });
    // Round 1: the replacement is created; rules keep forwarding to the old group, which stays.
    const first = planRoute(model({ targetGroups: [replacement] }), observed({ targetGroups: [old] }), new Set(['arn:tg/tg-1']));
    expect(kinds(first.ops)).toEqual(['createTargetGroup']);
    expect(first.waits).toContain('traffic moves to the new target group(s) of ns/web:80 once their targets are registered');
    // Round 2: ACTIVE but targets not registered yet: register them, still no switch.
    const filling = observedTg({ arn: 'arn:tg/tg-2', id: 'tg-2', name: 'k8s-web-h2', targets: [] });
    const second = planRoute(
      model({ targetGroups: [replacement] }),
      observed({ targetGroups: [old, filling] }),
      new Set(['arn:tg/tg-1', 'arn:tg/tg-2']),
    );
    expect(kinds(second.ops)).toEqual(['registerTargets']);
    // Round 3: ready: both rules switch in one batch, then the old group retires.
    const ready = observedTg({ arn: 'arn:tg/tg-2', id: 'tg-2', name: 'k8s-web-h2' });
    const third = planRoute(
      model({ targetGroups: [replacement] }),
      observed({ targetGroups: [old, ready] }),
      new Set(['arn:tg/tg-1', 'arn:tg/tg-2']),
    );
    expect(third.ops).toEqual([
      {
        kind: 'updateRules',
        port: 80,
        updates: [
          { ruleName: 'r-get', action: get.action },
          { ruleName: 'r-post', action: post.action },
        ],
      },
      { kind: 'retireTargetGroup', targetGroupArn: 'arn:tg/tg-1', targetGroupName: 'k8s-web' },
    ]);
  });

  it('keeps a rule on its current group while the imported group it should switch to is not ACTIVE yet', () => {
    const imported = { ...get, action: { forward: [{ key: 'import:ns/reviews:80', weight: 1 }] } };
    const externalTargetGroups = { 'import:ns/reviews:80': { arn: 'arn:tg/tg-ext', id: 'tg-ext' } };
    const imports = (status: string) => [{ arn: 'arn:tg/tg-ext', id: 'tg-ext', missing: false as const, status, serviceArns: [] }];
    const creating = planRoute(
      model({ rules: [imported], externalTargetGroups }),
      observed({ listeners: [listener([rule('r-get', 1, { method: 'GET' })])], imports: imports('CREATE_IN_PROGRESS') }),
      new Set(),
    );
    expect(creating.ops.filter((o) => o.kind === 'updateRules')).toEqual([]);
    expect(creating.waits).toContain('traffic moves to the new target group(s) of import:ns/reviews:80 once their targets are registered');
    const active = planRoute(
      model({ rules: [imported], externalTargetGroups }),
      observed({ listeners: [listener([rule('r-get', 1, { method: 'GET' })])], imports: imports('ACTIVE') }),
      new Set(),
    );
    expect(active.ops.filter((o) => o.kind === 'updateRules')).toEqual([
      { kind: 'updateRules', port: 80, updates: [{ ruleName: 'r-get', action: imported.action }] },
    ]);
  });

  it('forwards to target groups of other owners by their recorded id (ServiceImport backends)', () => {
    const imported = { ...get, action: { forward: [{ key: 'import:ns/reviews:80', weight: 1 }] } };
    const current = rule('r-get', 1, { method: 'GET' });
    current.action = { forward: { targetGroups: [{ targetGroupIdentifier: 'tg-ext', weight: 1 }] } };
    const plan = planRoute(
      model({
        rules: [imported],
        targetGroups: [],
        externalTargetGroups: { 'import:ns/reviews:80': { arn: 'arn:tg/tg-ext', id: 'tg-ext' } },
      }),
      observed({ listeners: [listener([current])], targetGroups: [] }),
      new Set(),
    );
    expect(plan.ops).toEqual([]);
  });
});
