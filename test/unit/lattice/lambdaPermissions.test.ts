import type { LatticeApi } from '../../../src/lattice/api';
import type { LambdaApi } from '../../../src/lattice/lambdaApi';
import { grantInvoke, hasInvokeStatement, invokeStatementId, revokeInvoke } from '../../../src/lattice/lambdaPermissions';
import { retireTargetGroup } from '../../../src/lattice/targetGroupApply';
import { hasEveryTarget, planTargetGroups, type TargetGroupOp } from '../../../src/lattice/targetGroupPlan';
import type { ObservedTargetGroup } from '../../../src/lattice/targetGroupState';
import type { TargetGroupModel } from '../../../src/model/targetGroups';

const FN = 'arn:aws:lambda:us-west-2:123456789012:function:thumbnails:live';
const TG_ARN = 'arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/tg-0123456789abcdef0';
const TG_ID = 'tg-0123456789abcdef0';

function statement(overrides: Record<string, unknown> = {}) {
  return {
    Sid: invokeStatementId(TG_ID),
    Effect: 'Allow',
    Principal: { Service: 'vpc-lattice.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: FN,
    Condition: { ArnLike: { 'AWS:SourceArn': TG_ARN } },
    ...overrides,
  };
}
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });

function awsError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

/** A Lambda API over one in-memory policy, recording the calls. */
function fakeLambda(initial: unknown[] = [], failAdd?: Error) {
  let statements = [...initial] as { Sid: string }[];
  const calls: string[] = [];
  const api = {
    getPolicy: async () => {
      calls.push('GetPolicy');
      if (statements.length === 0) throw awsError('ResourceNotFoundException');
      return { Policy: policy(...statements) };
    },
    addInvokePermission: async (_fn: string, sid: string, sourceArn: string) => {
      calls.push('AddPermission');
      if (failAdd) throw failAdd;
      if (statements.some((s) => s.Sid === sid)) throw awsError('ResourceConflictException');
      statements.push(statement({ Sid: sid, Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } } }));
      return {};
    },
    removePermission: async (_fn: string, sid: string) => {
      calls.push(`RemovePermission ${sid}`);
      if (!statements.some((s) => s.Sid === sid)) throw awsError('ResourceNotFoundException');
      statements = statements.filter((s) => s.Sid !== sid);
      return {};
    },
  };
  return { api: api as unknown as LambdaApi, calls, statements: () => statements };
}

describe('invoke statements', () => {
  it('recognises only our statement for this target group as Lambda writes it', () => {
    expect(hasInvokeStatement(policy(statement()), invokeStatementId(TG_ID), TG_ARN)).toBe(true);
    expect(
      hasInvokeStatement(policy(statement({ Condition: { ArnLike: { 'AWS:SourceArn': 'arn:other' } } })), invokeStatementId(TG_ID), TG_ARN),
    ).toBe(false);
    expect(hasInvokeStatement(policy(statement({ Principal: { Service: 's3.amazonaws.com' } })), invokeStatementId(TG_ID), TG_ARN)).toBe(
      false,
    );
    expect(hasInvokeStatement(policy(statement({ Sid: 'someone-else' })), invokeStatementId(TG_ID), TG_ARN)).toBe(false);
    expect(hasInvokeStatement(undefined, invokeStatementId(TG_ID), TG_ARN)).toBe(false);
    expect(hasInvokeStatement('not json', invokeStatementId(TG_ID), TG_ARN)).toBe(false);
  });

  it('an existing statement of ours (a retry after a lost answer) is not an error, and is not duplicated', async () => {
    const lambda = fakeLambda([statement()]);
    await grantInvoke(lambda.api, FN, TG_ID, TG_ARN);
    expect(lambda.calls).toEqual(['AddPermission', 'GetPolicy']);
    expect(lambda.statements()).toHaveLength(1);
  });

  it('any other conflict is', async () => {
    const lambda = fakeLambda([], awsError('ResourceConflictException'));
    await expect(grantInvoke(lambda.api, FN, TG_ID, TG_ARN)).rejects.toThrow('ResourceConflictException');
  });

  it('removes only our statement, and a statement already gone is fine', async () => {
    const lambda = fakeLambda([statement({ Sid: 'from-s3' }), statement()]);
    await revokeInvoke(lambda.api, FN, TG_ID);
    await revokeInvoke(lambda.api, FN, TG_ID);
    expect(lambda.statements().map((s) => s.Sid)).toEqual(['from-s3']);
  });
});

describe('LAMBDA target groups in the plan', () => {
  const desired: TargetGroupModel = {
    key: 'lambda:apps/thumbs',
    name: 'k8s-thumbs',
    type: 'LAMBDA',
    lambda: { functionArn: FN },
    config: { lambdaEventStructureVersion: 'V2' },
    tags: {},
    targets: [{ id: FN }],
  };
  const observed = (invokePermitted: boolean, targets: ObservedTargetGroup['targets'] = []): ObservedTargetGroup => ({
    arn: TG_ARN,
    id: TG_ID,
    name: 'k8s-thumbs',
    status: 'ACTIVE',
    type: 'LAMBDA',
    config: { lambdaEventStructureVersion: 'V2' },
    serviceArns: [],
    targets,
    invokePermitted,
  });

  function plan(group: ObservedTargetGroup): TargetGroupOp[] {
    const ops: TargetGroupOp[] = [];
    planTargetGroups([desired], [group], ops, []);
    return ops;
  }

  it('grants the permission before registering the function (no port), and rules wait for both', () => {
    expect(plan(observed(false))).toEqual([
      { kind: 'addInvokePermission', targetGroupName: 'k8s-thumbs', functionArn: FN },
      { kind: 'registerTargets', targetGroupName: 'k8s-thumbs', targets: [{ id: FN }] },
    ]);
    expect(hasEveryTarget(desired, observed(false, [{ id: FN, status: 'UNAVAILABLE' }]))).toBe(false);
    expect(hasEveryTarget(desired, observed(true, [{ id: FN, status: 'UNAVAILABLE' }]))).toBe(true);
  });

  it('plans nothing once both are there', () => {
    expect(plan(observed(true, [{ id: FN, status: 'UNAVAILABLE' }]))).toEqual([]);
  });

  it('a function gone missing: our statement removed (if still there), then deregistered, and no permission asked for', () => {
    const missing: TargetGroupModel = { ...desired, targets: [] };
    delete missing.lambda;
    const ops: TargetGroupOp[] = [];
    planTargetGroups([missing], [observed(false, [{ id: FN, status: 'UNAVAILABLE' }])], ops, []);
    expect(ops).toEqual([
      { kind: 'removeInvokePermission', targetGroupName: 'k8s-thumbs', functionArn: FN },
      { kind: 'deregisterTargets', targetGroupName: 'k8s-thumbs', targets: [{ id: FN }] },
    ]);
  });
});

describe('retiring a LAMBDA target group', () => {
  /** A LAMBDA group with one function registered; its writes recorded in `order`. */
  function lambdaGroup(order: string[]): LatticeApi {
    return {
      getTargetGroup: async () => ({ arn: TG_ARN, id: TG_ID, type: 'LAMBDA', status: 'ACTIVE' }),
      listTargets: async () => [{ id: FN, status: 'HEALTHY' }],
      deregisterTargets: async (_arn: string, targets: unknown[]) => {
        order.push(`DeregisterTargets ${JSON.stringify(targets)}`);
        return {};
      },
      deleteTargetGroup: async () => order.push('DeleteTargetGroup'),
    } as unknown as LatticeApi;
  }

  it('removes our statement from the function before deregistering it, then waits for draining', async () => {
    const lambda = fakeLambda([statement({ Sid: 'from-s3' }), statement()]);
    const order: string[] = [];
    const outcome = await retireTargetGroup(lambdaGroup(order), TG_ARN, lambda.api);
    expect([...lambda.calls, ...order]).toEqual([`RemovePermission ${invokeStatementId(TG_ID)}`, `DeregisterTargets [{"id":"${FN}"}]`]);
    expect(outcome).toEqual({ gone: false, message: '1 targets draining' });
    expect(lambda.statements().map((s) => s.Sid)).toEqual(['from-s3']);
  });

  it('without draining (its service deleted), removes our statement and deletes the group, targets still registered', async () => {
    const lambda = fakeLambda([statement({ Sid: 'from-s3' }), statement()]);
    const order: string[] = [];
    const outcome = await retireTargetGroup(lambdaGroup(order), TG_ARN, lambda.api, { drain: false });
    expect([...lambda.calls, ...order]).toEqual([`RemovePermission ${invokeStatementId(TG_ID)}`, 'DeleteTargetGroup']);
    expect(outcome).toEqual({ gone: false, message: 'being deleted' });
    expect(lambda.statements().map((s) => s.Sid)).toEqual(['from-s3']);
  });
});
