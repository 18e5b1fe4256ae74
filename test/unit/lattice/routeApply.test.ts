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

describe('route applier: the answers of creates are checked by the writes built on them', () => {
  const SERVICE = { name: 'shop-apps', tags: { 'application-networking.k8s.aws/ManagedBy': 'me' } };
  const empty: ObservedRoute = { service: undefined, listeners: [], targetGroups: [], associations: [] };
  const forwardToTg = {
    ...createRule,
    rule: { ...(createRule as { rule: object }).rule, action: { forward: [{ key: 'apps/web:80', weight: 1 }] } },
  } as PlanOp;
  const building: PlanOp[] = [
    createTg,
    { kind: 'createService', service: SERVICE as never },
    {
      kind: 'createListener',
      listener: { name: 'http-80', port: 80, protocol: 'HTTP', defaultAction: { fixedResponse: 404 } } as never,
    },
    forwardToTg,
  ];
  const notFound = (type: string) => awsError('ResourceNotFoundException', `${type} not found`, type);

  /** A Lattice whose creates answer `answers` (replayed tokens, say) and whose reads find only `alive`; every call is logged. */
  function lattice(alive: string[], overrides: Partial<Record<keyof LatticeApi, unknown>> = {}) {
    const calls: string[] = [];
    const read = (name: string, arn: string) => {
      calls.push(`${name} ${arn}`);
      return alive.includes(arn) ? Promise.resolve({ arn, status: 'ACTIVE' }) : Promise.reject(notFound(name));
    };
    const write = (name: string, answer: object | (() => Promise<object>)) => async (input: { serviceIdentifier?: string }) => {
      calls.push(`${name}${input.serviceIdentifier ? ` ${input.serviceIdentifier}` : ''}`);
      return typeof answer === 'function' ? answer() : answer;
    };
    const service = { id: 'svc-old', arn: 'arn:svc/svc-old', status: 'CREATE_IN_PROGRESS' };
    const fails = () => Promise.reject(notFound('SERVICE'));
    return {
      calls,
      api: api({
        createTargetGroup: write('CreateTargetGroup', { id: 'tg-old', arn: 'arn:tg/tg-old', status: 'CREATE_IN_PROGRESS' }),
        getTargetGroup: (arn: string) => read('GetTargetGroup', arn),
        createService: write('CreateService', service),
        getService: (arn: string) => read('GetService', arn),
        createListener: write('CreateListener', alive.includes(service.arn) ? { id: 'listener-new', arn: 'arn:listener/new' } : fails),
        createRule: write(
          'CreateRule',
          alive.includes('arn:tg/tg-old') ? { id: 'rule-new' } : () => Promise.reject(notFound('TARGET_GROUP')),
        ),
        ...overrides,
      }),
    };
  }

  it('reads nothing back when the writes built on the creates succeed', async () => {
    const { api: alive, calls } = lattice(['arn:svc/svc-old', 'arn:tg/tg-old']);
    const result = await new RouteApplier(alive, owner, empty, [TG]).apply(building);
    expect(result.error).toBeUndefined();
    expect(calls).toEqual(['CreateTargetGroup', 'CreateService', 'CreateListener svc-old', 'CreateRule svc-old']);
  });

  it('reads the answers back when a write built on them fails, stops the pass and records the dead ones for the next pass', async () => {
    const { api: dead, calls } = lattice([]);
    const result = await new RouteApplier(dead, owner, empty, [TG]).apply(building);
    expect(result.error).toBeUndefined();
    expect(result.waits).toEqual([
      'VPC Lattice answered creates of this pass with arn:tg/tg-old, arn:svc/svc-old, which no longer exist (a create token of an earlier lifetime); made again next pass',
    ]);
    expect(calls).toEqual([
      'CreateTargetGroup',
      'CreateService',
      'CreateListener svc-old',
      'GetTargetGroup arn:tg/tg-old',
      'GetService arn:svc/svc-old',
    ]);
    expect(result.service?.arn).toBe('arn:svc/svc-old');
    expect(result.targetGroupArns).toEqual(['arn:tg/tg-old']);
    expect(result.picture).toBeUndefined();
  });

  it('a rule refused for a target group it created checks only what is unconfirmed: a live service is not read again', async () => {
    const { api: deadGroup, calls } = lattice(['arn:svc/svc-old']);
    const result = await new RouteApplier(deadGroup, owner, empty, [TG]).apply(building);
    expect(result.waits).toEqual([expect.stringContaining('creates of this pass with arn:tg/tg-old, which no longer exist')]);
    expect(calls.filter((c) => c.startsWith('Get'))).toEqual(['GetTargetGroup arn:tg/tg-old']);
  });

  it('a failure with every answer alive is the failure itself', async () => {
    const quota = Object.assign(new Error('too many rules'), { name: 'ServiceQuotaExceededException' });
    const { api: refusing } = lattice(['arn:svc/svc-old', 'arn:tg/tg-old'], { createRule: () => Promise.reject(quota) });
    expect((await new RouteApplier(refusing, owner, empty, [TG]).apply(building)).error).toBe(quota);
  });

  it('makes a create again at once when its answer is the recorded resource this pass found gone', async () => {
    const tokens: string[] = [];
    const { api: replaying, calls } = lattice(['arn:svc/svc-new', 'arn:tg/tg-new'], {
      createTargetGroup: async (i: { clientToken: string }) => {
        tokens.push(i.clientToken);
        return tokens.length === 1 ? { id: 'tg-old', arn: 'arn:tg/tg-old' } : { id: 'tg-new', arn: 'arn:tg/tg-new' };
      },
      createService: async (i: { clientToken: string }) => {
        tokens.push(i.clientToken);
        return tokens.length === 3 ? { id: 'svc-old', arn: 'arn:svc/svc-old' } : { id: 'svc-new', arn: 'arn:svc/svc-new' };
      },
      createListener: async () => ({ id: 'listener-new', arn: 'arn:listener/new' }),
      createRule: async () => ({ id: 'rule-new' }),
    });
    const recorded = { serviceArn: 'arn:svc/svc-old', targetGroupArns: new Set(['arn:tg/tg-old']) };
    const result = await new RouteApplier(replaying, owner, empty, [TG], {}, recorded).apply(building);
    expect(result.error).toBeUndefined();
    expect(new Set(tokens).size).toBe(4);
    expect(result.service?.arn).toBe('arn:svc/svc-new');
    expect(result.targetGroupArns).toEqual(['arn:tg/tg-new']);
    // A repair: the new answers are read back (their tokens may have made resources deleted since too).
    expect(calls.filter((c) => c.startsWith('Get'))).toEqual(['GetTargetGroup arn:tg/tg-new', 'GetService arn:svc/svc-new']);
  });
});
