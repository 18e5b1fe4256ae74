import type { TargetGroupModel } from '../model/targetGroups';
import { orUndefinedIfNotFound } from './awsErrors';
import type { LambdaApi } from './lambdaApi';
import type { ObservedTargetGroup } from './targetGroupState';

/**
 * The statement on a function's resource policy that lets VPC Lattice invoke it from one of our
 * target groups. Its id derives from the group's id, so it is found again (after a crash, on
 * teardown) without listing anything, and only our statement is ever removed.
 */
export const STATEMENT_ID_PREFIX = 'lattice-gateway-hooks-';
export const LATTICE_PRINCIPAL = 'vpc-lattice.amazonaws.com';

export function invokeStatementId(targetGroupId: string): string {
  return `${STATEMENT_ID_PREFIX}${targetGroupId}`;
}

interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: { Service?: string | string[] } | string;
  Action?: string | string[];
  Condition?: { ArnLike?: Record<string, string>; ArnEquals?: Record<string, string> };
}

/** Whether a resource policy (GetPolicy's JSON text) holds our statement for this target group, as we write it. */
export function hasInvokeStatement(policy: string | undefined, statementId: string, sourceArn: string): boolean {
  if (!policy) return false;
  let statements: PolicyStatement[];
  try {
    statements = (JSON.parse(policy) as { Statement?: PolicyStatement[] }).Statement ?? [];
  } catch {
    return false;
  }
  return statements.some((s) => {
    if (s.Sid !== statementId || s.Effect !== 'Allow') return false;
    const principal = typeof s.Principal === 'object' ? s.Principal.Service : undefined;
    const condition = s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnEquals?.['AWS:SourceArn'];
    return [principal].flat().includes(LATTICE_PRINCIPAL) && [s.Action].flat().includes('lambda:InvokeFunction') && condition === sourceArn;
  });
}

export async function invokePermitted(
  lambda: LambdaApi,
  functionArn: string,
  targetGroupId: string,
  targetGroupArn: string,
): Promise<boolean> {
  const policy = await orUndefinedIfNotFound(lambda.getPolicy(functionArn));
  return hasInvokeStatement(policy?.Policy, invokeStatementId(targetGroupId), targetGroupArn);
}

/** Reads, for each wanted LAMBDA group that is ACTIVE, whether Lattice may invoke its function from it. */
export async function observeInvokePermissions(
  lambda: LambdaApi,
  desired: readonly TargetGroupModel[],
  observed: ObservedTargetGroup[],
): Promise<void> {
  const byName = new Map(observed.map((g) => [g.name, g]));
  for (const tg of desired) {
    const group = byName.get(tg.name);
    if (!tg.lambda || !group || group.status !== 'ACTIVE') continue;
    group.invokePermitted = await invokePermitted(lambda, tg.lambda.functionArn, group.id, group.arn);
  }
}

/**
 * Adds our statement. A statement of that id already there (a retry after a lost answer) is not
 * an error when it is ours as we write it; any other conflict (a concurrent policy update) is.
 */
export async function grantInvoke(lambda: LambdaApi, functionArn: string, targetGroupId: string, targetGroupArn: string): Promise<void> {
  try {
    await lambda.addInvokePermission(functionArn, invokeStatementId(targetGroupId), targetGroupArn);
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceConflictException') throw error;
    if (!(await invokePermitted(lambda, functionArn, targetGroupId, targetGroupArn))) throw error;
  }
}

/** Removes our statement of this target group only; already gone (or the function is) is fine. */
export async function revokeInvoke(lambda: LambdaApi, functionArn: string, targetGroupId: string): Promise<void> {
  await orUndefinedIfNotFound(lambda.removePermission(functionArn, invokeStatementId(targetGroupId)));
}
