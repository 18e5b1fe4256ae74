import { LatticeApi } from '../../../src/lattice/api';
import { isUserActionable, LatticeRefusal } from '../../../src/lattice/awsErrors';
import type { LatticeOwner } from '../../../src/lattice/ownership';
import { TargetGroupApplier } from '../../../src/lattice/targetGroupApply';
import { TAG } from '../../../src/model/tags';
import type { TargetGroupModel } from '../../../src/model/targetGroups';

const owner: LatticeOwner = { managedBy: 'me', vpcId: 'vpc-a', tokenOwner: 'me/HTTPRoute/uid', ownsTargetGroup: () => true };
const conflict = Object.assign(new Error('A target group with that name already exists'), { name: 'ConflictException' });
const ip: TargetGroupModel = {
  key: 'apps/web:80',
  name: 'k8s-shop-apps-web-80-abc',
  config: { port: 80, protocol: 'HTTP' },
  tags: {},
  targets: [],
};

/**
 * A create whose response was lost and whose clientToken no longer replays meets the group it made
 * as a name conflict: the group is found again by name (where that kind of group lives) and adopted
 * when it carries our ManagedBy, never created beside it.
 */
describe('adopting a target group that already exists under its deterministic name', () => {
  function applier(
    model: TargetGroupModel,
    listed: Record<string, { name: string; id: string; arn: string; vpcIdentifier?: string }[]>,
    tags: Record<string, string> | (() => Promise<Record<string, string>>),
  ) {
    const lists: unknown[][] = [];
    const api = {
      createTargetGroup: async () => Promise.reject(conflict),
      listTargetGroups: async (...args: unknown[]) => {
        lists.push(args);
        return listed[String(args[1] ?? args[0] ?? 'account')] ?? [];
      },
      listTags: async () => (typeof tags === 'function' ? tags() : tags),
      // The real method, over the listTags above.
      tagsIfPresent: LatticeApi.prototype.tagsIfPresent,
    } as unknown as LatticeApi;
    return { lists, applier: new TargetGroupApplier(api, owner, [], [model], new Set()) };
  }

  it('adopts an IP group of ours from the VPC, and a Lambda group from the Lambda groups (which have no VPC)', async () => {
    const ipCase = applier(ip, { 'vpc-a': [{ name: ip.name, id: 'tg-ip', arn: 'arn:tg/tg-ip' }] }, { [TAG.managedBy]: 'me' });
    expect((await ipCase.applier.apply([{ kind: 'createTargetGroup', targetGroup: ip }])).error).toBeUndefined();
    expect(ipCase.applier.idOf(ip.name)).toBe('tg-ip');
    expect(ipCase.lists).toEqual([['vpc-a']]);

    const fn: TargetGroupModel = {
      key: 'lambda:apps/fn',
      name: 'k8s-shop-apps-fn-lambda-abc',
      type: 'LAMBDA',
      config: { lambdaEventStructureVersion: 'V2' },
      tags: {},
      targets: [],
    };
    const fnCase = applier(fn, { LAMBDA: [{ name: fn.name, id: 'tg-fn', arn: 'arn:tg/tg-fn' }] }, { [TAG.managedBy]: 'me' });
    expect((await fnCase.applier.apply([{ kind: 'createTargetGroup', targetGroup: fn }])).error).toBeUndefined();
    expect(fnCase.applier.idOf(fn.name)).toBe('tg-fn');
    expect(fnCase.lists).toEqual([[undefined, 'LAMBDA']]);
  });

  it('refuses, naming the holder, when the group of that name is not ours (a status condition, not a hook failure)', async () => {
    const listed = { 'vpc-a': [{ name: ip.name, id: 'tg-ip', arn: 'arn:tg/tg-ip' }] };
    const foreign = await applier(ip, listed, { [TAG.managedBy]: 'someone-else' }).applier.apply([
      { kind: 'createTargetGroup', targetGroup: ip },
    ]);
    expect(foreign.error).toBeInstanceOf(LatticeRefusal);
    expect(foreign.error).toMatchObject({
      code: 'TargetGroupNameTaken',
      message: `target group name ${ip.name} is taken by tg-ip, managed by someone-else`,
      cause: conflict,
    });
    expect(isUserActionable(foreign.error)).toBe(true);
    const unowned = await applier(ip, listed, {}).applier.apply([{ kind: 'createTargetGroup', targetGroup: ip }]);
    expect(unowned.error).toMatchObject({ message: `target group name ${ip.name} is taken by tg-ip, not managed by any controller` });
  });

  it('waits for the next pass when the name is taken by a group it cannot list yet, or that is deleted once listed', async () => {
    const unlistedCase = applier(ip, {}, {});
    const unlisted = await unlistedCase.applier.apply([{ kind: 'createTargetGroup', targetGroup: ip }]);
    expect(unlisted.error).toBeUndefined();
    // Looked for in the VPC, then in the whole account.
    expect(unlistedCase.lists).toEqual([['vpc-a'], []]);
    expect(unlisted.waits).toEqual([
      `target group name ${ip.name} is taken by a group not listed yet (ConflictException: ${conflict.message}); read again next pass`,
    ]);

    const gone = Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    const vanishing = applier(ip, { 'vpc-a': [{ name: ip.name, id: 'tg-ip', arn: 'arn:tg/tg-ip' }] }, async () => Promise.reject(gone));
    const vanished = await vanishing.applier.apply([{ kind: 'createTargetGroup', targetGroup: ip }]);
    expect(vanished.error).toBeUndefined();
    expect(vanished.waits).toEqual([`target group ${ip.name} disappeared during this pass; read again next pass`]);
  });
});

describe('a target group name taken in another VPC of the account', () => {
  it('refuses, naming the group and its VPC, instead of waiting forever for it to be listed in ours', async () => {
    const model = ip;
    const lists: unknown[][] = [];
    const api = {
      createTargetGroup: async () => Promise.reject(conflict),
      listTargetGroups: async (...args: unknown[]) => {
        lists.push(args);
        // The account's groups: one of another name in our VPC, ours by name in vpc-old.
        const all = [
          { name: 'k8s-other-apps-api-80-def', id: 'tg-other', arn: 'arn:tg/tg-other', vpcIdentifier: 'vpc-a' },
          { name: model.name, id: 'tg-old', arn: 'arn:tg/tg-old', vpcIdentifier: 'vpc-old' },
        ];
        return args[0] === undefined ? all : all.filter((g) => g.vpcIdentifier === args[0]);
      },
    } as unknown as LatticeApi;
    const outcome = await new TargetGroupApplier(api, owner, [], [model], new Set()).apply([
      { kind: 'createTargetGroup', targetGroup: model },
    ]);
    expect(outcome.error).toBeInstanceOf(LatticeRefusal);
    expect(outcome.error).toMatchObject({
      code: 'TargetGroupNameTaken',
      message: `target group name ${model.name} is taken by tg-old in VPC vpc-old, not in this cluster's VPC vpc-a: this controller did not make it; delete or rename that group`,
      cause: conflict,
    });
    expect(isUserActionable(outcome.error)).toBe(true);
    expect(lists).toEqual([['vpc-a'], []]);
  });
});

describe('a target group observed this pass and deleted since', () => {
  const notFound = Object.assign(new Error('Target group tg-0123456789abcdef0 not found'), { name: 'ResourceNotFoundException' });
  const observed = [
    {
      name: 'k8s-shop-apps-web-80-abc',
      id: 'tg-0123456789abcdef0',
      arn: 'arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/tg-0123456789abcdef0',
    },
  ];

  it('ends the pass with a wait that says so, not with an error that would fail the hook', async () => {
    const api = { registerTargets: async () => Promise.reject(notFound) } as unknown as LatticeApi;
    const applier = new TargetGroupApplier(api, owner, observed as never, [], new Set());
    const result = await applier.apply([
      { kind: 'registerTargets', targetGroupName: 'k8s-shop-apps-web-80-abc', targets: [{ id: '10.0.0.1', port: 80 }] },
    ] as never);
    expect(result.error).toBeUndefined();
    expect(result.waits).toEqual(['target group k8s-shop-apps-web-80-abc disappeared during this pass; read again next pass']);
  });

  it('still fails on any other error', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    const api = { registerTargets: async () => Promise.reject(denied) } as unknown as LatticeApi;
    const applier = new TargetGroupApplier(api, owner, observed as never, [], new Set());
    const result = await applier.apply([
      { kind: 'registerTargets', targetGroupName: 'k8s-shop-apps-web-80-abc', targets: [{ id: '10.0.0.1', port: 80 }] },
    ] as never);
    expect(result.error).toBe(denied);
  });
});
