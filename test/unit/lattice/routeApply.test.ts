import type { LatticeApi } from '../../../src/lattice/api';
import { isUserActionable, LatticeRefusal } from '../../../src/lattice/awsErrors';
import type { RouteOwner } from '../../../src/lattice/ownership';
import { RouteApplier } from '../../../src/lattice/routeApply';
import type { PlanOp } from '../../../src/lattice/routePlan';
import type { ObservedRoute } from '../../../src/lattice/routeState';
import type { TargetGroupModel } from '../../../src/model/targetGroups';

const owner: RouteOwner = {
  managedBy: 'me',
  vpcId: 'vpc-a',
  tokenOwner: 'me/HTTPRoute/uid',
  routeName: 'shop',
  routeNamespace: 'apps',
  routeType: 'http',
  allowTakeoverFrom: undefined,
  ownsTargetGroup: () => true,
};
const TG: TargetGroupModel = { key: 'apps/web:80', name: 'k8s-web', config: { port: 80, protocol: 'HTTP' }, tags: {}, targets: [] };
const observed: ObservedRoute = {
  service: {
    arn: 'arn:svc/svc-1',
    id: 'svc-1',
    name: 'shop-apps',
    status: 'ACTIVE',
    dnsName: undefined,
    customDomainName: undefined,
    certificateArn: undefined,
    tags: {},
  },
  listeners: [{ id: 'listener-1', arn: 'arn:listener', name: 'http-80', port: 80, protocol: 'HTTP', rules: [], defaultAction: undefined }],
  targetGroups: [],
  associations: [],
};
const external = { 'import:apps/reviews:80': { arn: 'arn:tg/tg-ext', id: 'tg-ext' } };
const createTg: PlanOp = { kind: 'createTargetGroup', targetGroup: TG };
const createRule: PlanOp = {
  kind: 'createRule',
  port: 80,
  priority: 1,
  rule: {
    name: 'k8s-rule',
    priority: 1,
    ruleIndex: 0,
    match: {},
    action: {
      forward: [
        { key: 'apps/web:80', weight: 80 },
        { key: 'import:apps/reviews:80', weight: 20 },
      ],
    },
  },
};

function api(overrides: Partial<Record<keyof LatticeApi, unknown>>): LatticeApi {
  return {
    createTargetGroup: async () => ({ id: 'tg-new', arn: 'arn:tg/tg-new' }),
    getTargetGroup: async () => ({ id: 'tg-new', status: 'ACTIVE' }),
    ...overrides,
  } as unknown as LatticeApi;
}

function awsError(name: string, message: string, resourceType: string): Error {
  return Object.assign(new Error(message), { name, resourceType, resourceId: 'tg-ext' });
}

describe('route applier: refusals and what a failed pass created', () => {
  it('turns a target group Lattice refuses in a rule into a reportable refusal, still knowing the group it created before', async () => {
    const applier = new RouteApplier(
      api({
        createRule: async () =>
          Promise.reject(awsError('ConflictException', 'Target group tg-ext is already used by service svc-9', 'TARGET_GROUP')),
      }),
      owner,
      observed,
      [TG],
      external,
    );
    const { error, targetGroupArns } = await applier.apply([createTg, createRule]);
    expect(error).toBeInstanceOf(LatticeRefusal);
    expect(error).toMatchObject({
      code: 'TargetGroupUnavailable',
      message: 'ConflictException: Target group tg-ext is already used by service svc-9',
    });
    expect(isUserActionable(error)).toBe(true);
    expect(targetGroupArns).toEqual(['arn:tg/tg-new']);
  });

  it('reports a target group deleted meanwhile the same way; a rule conflict ends the pass with a wait (the next pass reads what Lattice holds)', async () => {
    const gone = new RouteApplier(
      api({ createRule: async () => Promise.reject(awsError('ResourceNotFoundException', 'not found', 'TARGET_GROUP')) }),
      owner,
      observed,
      [TG],
      external,
    );
    expect((await gone.apply([createTg, createRule])).error).toMatchObject({ code: 'TargetGroupUnavailable' });
    const listener = new RouteApplier(
      api({ createRule: async () => Promise.reject(awsError('ConflictException', 'priority taken', 'RULE')) }),
      owner,
      observed,
      [TG],
      external,
    );
    const conflicted = await listener.apply([createTg, createRule]);
    expect(conflicted.error).toBeUndefined();
    expect(conflicted.waits).toEqual([
      'VPC Lattice holds a rule this pass did not read (ConflictException: priority taken); read again next pass',
    ]);
  });

  it('reports rules a BatchUpdateRule did not update instead of failing the hook', async () => {
    const withRule = {
      ...observed,
      listeners: [
        {
          ...observed.listeners[0]!,
          rules: [{ id: 'rule-1', name: 'k8s-rule', priority: 1, isDefault: false, match: {}, action: undefined }],
        },
      ],
    };
    const applier = new RouteApplier(
      api({
        batchUpdateRule: async () => ({
          successful: [],
          unsuccessful: [
            {
              ruleIdentifier: 'rule-1',
              failureCode: 'ConflictException',
              failureMessage: 'Target group tg-ext is already used by service svc-9',
            },
          ],
        }),
      }),
      owner,
      withRule,
      [],
      external,
    );
    const { error } = await applier.apply([
      {
        kind: 'updateRules',
        port: 80,
        updates: [{ ruleName: 'k8s-rule', action: { forward: [{ key: 'import:apps/reviews:80', weight: 1 }] } }],
      },
    ]);
    expect(error).toMatchObject({
      code: 'RulesNotUpdated',
      message: 'rules not updated: rule-1: Target group tg-ext is already used by service svc-9',
    });
    expect(isUserActionable(error)).toBe(true);
  });
});

describe('route applier: the picture a pass leaves of Lattice', () => {
  const SERVICE = { name: 'shop-apps', tags: { 'application-networking.k8s.aws/ManagedBy': 'me' } };
  const building: PlanOp[] = [
    createTg,
    { kind: 'registerTargets', targetGroupName: 'k8s-web', targets: [{ id: '10.0.0.1', port: 8080 }] },
    { kind: 'createService', service: SERVICE as never },
    {
      kind: 'createListener',
      listener: { name: 'http-80', port: 80, protocol: 'HTTP', defaultAction: { fixedResponse: 404 } } as never,
    },
    {
      ...createRule,
      rule: { ...(createRule as { rule: object }).rule, action: { forward: [{ key: 'apps/web:80', weight: 1 }] } },
    } as PlanOp,
    { kind: 'createAssociation', serviceNetworkArn: 'arn:sn/sn-1' },
  ];
  const empty: ObservedRoute = { service: undefined, listeners: [], targetGroups: [], associations: [] };
  const lattice = (overrides: Partial<Record<keyof LatticeApi, unknown>> = {}) =>
    api({
      createTargetGroup: async () => ({ id: 'tg-new', arn: 'arn:tg/tg-new', status: 'CREATE_IN_PROGRESS' }),
      registerTargets: async () => ({ successful: [], unsuccessful: [] }),
      createService: async () => ({
        id: 'svc-new',
        arn: 'arn:svc/svc-new',
        status: 'CREATE_IN_PROGRESS',
        dnsEntry: { domainName: 'shop.on.aws' },
      }),
      getService: async () => ({ id: 'svc-new', status: 'CREATE_IN_PROGRESS' }),
      createListener: async () => ({ id: 'listener-new', arn: 'arn:listener/listener-new' }),
      createRule: async () => ({ id: 'rule-new', arn: 'arn:rule/rule-new' }),
      createServiceNetworkServiceAssociation: async () => ({ id: 'snsa-new', arn: 'arn:snsa/snsa-new', status: 'CREATE_IN_PROGRESS' }),
      ...overrides,
    });

  it('pictures what building a route created, as an observation would read it', async () => {
    const { picture } = await new RouteApplier(lattice(), owner, empty, [TG]).apply(building);
    expect(picture).toEqual({
      service: {
        arn: 'arn:svc/svc-new',
        id: 'svc-new',
        name: 'shop-apps',
        status: 'CREATE_IN_PROGRESS',
        dnsName: 'shop.on.aws',
        customDomainName: undefined,
        certificateArn: undefined,
        tags: SERVICE.tags,
      },
      listeners: [
        {
          id: 'listener-new',
          arn: 'arn:listener/listener-new',
          name: 'http-80',
          port: 80,
          protocol: 'HTTP',
          defaultAction: undefined,
          rules: [
            {
              id: 'rule-new',
              name: 'k8s-rule',
              priority: 1,
              isDefault: false,
              match: {},
              action: { forward: { targetGroups: [{ targetGroupIdentifier: 'tg-new', weight: 1 }] } },
            },
          ],
        },
      ],
      targetGroups: [
        {
          arn: 'arn:tg/tg-new',
          id: 'tg-new',
          name: 'k8s-web',
          status: 'CREATE_IN_PROGRESS',
          type: 'IP',
          config: TG.config,
          serviceArns: [],
          targets: [{ id: '10.0.0.1', port: 8080, status: 'INITIAL' }],
        },
      ],
      associations: [{ arn: 'arn:snsa/snsa-new', id: 'snsa-new', serviceNetworkArn: 'arn:sn/sn-1', status: 'CREATE_IN_PROGRESS' }],
    });
  });

  it('leaves none after a write it does not picture, targets refused, a wait on a conflict, or an error', async () => {
    const picture = async (ops: PlanOp[], overrides: Partial<Record<keyof LatticeApi, unknown>> = {}) =>
      (await new RouteApplier(lattice(overrides), owner, observed, [TG]).apply(ops)).picture;
    expect(await picture([createTg])).toBeDefined();
    expect(await picture([createTg, { kind: 'tagService', tags: { team: 'a' } }], { tagResource: async () => ({}) })).toBeUndefined();
    expect(
      await picture([createTg, building[1]!], {
        registerTargets: async () => ({ unsuccessful: [{ id: '10.0.0.1', port: 8080, failureCode: 'Invalid', failureMessage: 'no' }] }),
      }),
    ).toBeUndefined();
    const conflicted = await new RouteApplier(
      lattice({
        createServiceNetworkServiceAssociation: async () =>
          Promise.reject(awsError('ConflictException', 'service is CREATE_IN_PROGRESS', 'SERVICE')),
      }),
      owner,
      observed,
      [TG],
    ).apply([building[5]!]);
    expect(conflicted.error).toBeUndefined();
    expect(conflicted.waits).toEqual([expect.stringContaining('not possible yet')]);
    expect(conflicted.picture).toBeUndefined();
    expect(await picture([createTg, createRule], { createRule: async () => Promise.reject(new Error('boom')) })).toBeUndefined();
  });
});
