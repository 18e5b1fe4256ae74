import { OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { generationOf } from '../metacontroller/objects';
import { copyStatus, statusIfChanged } from '../metacontroller/response';
import { lookUpFunction } from '../lattice/lambdaFunctions';
import { functionArnProblem, LAMBDA_TARGET_RESOURCE, unqualifiedNote, type LambdaTarget } from '../model/lambdaTargets';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from './types';

/** Functions are made and deleted outside Kubernetes: look again this often. */
export const LAMBDA_TARGET_RESYNC_SECONDS = 60;

export const lambdaTargetWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'lambdatarget',
  description: 'Says in status whether a LambdaTarget names a function VPC Lattice can invoke.',
  resources: [{ apiVersion: OUR_API_VERSION, resource: LAMBDA_TARGET_RESOURCE, ignoreStatusChanges: true }],
  hooks: { customize: false, finalize: false },
};

/**
 * Accepted: the ARN is a function ARN of this account and Region (Lattice invokes no other), with
 * a note when it is unqualified. ResolvedRefs: the function (that alias or version) exists. The
 * invoke permission itself is per target group, granted by the routes that use the target.
 */
async function conditionsOf(target: LambdaTarget, ctx: HookContext): Promise<DesiredCondition[]> {
  const arn = target.spec?.functionArn;
  const problem = functionArnProblem(arn, ctx.aws.identity);
  if (problem !== undefined || arn === undefined) {
    return [
      condition('Accepted', 'False', 'InvalidFunctionArn', problem ?? 'spec.functionArn is required'),
      condition('ResolvedRefs', 'False', 'InvalidFunctionArn', 'no function to look up'),
    ];
  }
  const note = unqualifiedNote(arn);
  const accepted = condition('Accepted', 'True', 'Accepted', note ? `Accepted; ${note}` : 'Accepted');
  const lookup = await lookUpFunction(ctx.aws.lambda, arn);
  if (!lookup.exists)
    return [accepted, condition('ResolvedRefs', 'False', 'FunctionNotFound', `function ${arn} ${lookup.message ?? 'not found'}`)];
  if (lookup.state === 'Failed')
    return [accepted, condition('ResolvedRefs', 'False', 'FunctionFailed', `function ${arn} is in state Failed and cannot be invoked`)];
  return [
    accepted,
    condition(
      'ResolvedRefs',
      'True',
      'ResolvedRefs',
      `function ${arn} exists${lookup.state ? ` (${lookup.state})` : ''}; routes that use it grant VPC Lattice the right to invoke it`,
    ),
  ];
}

export function createLambdaTargetController(): HookController {
  const handlers: DecoratorHandlers = {
    async sync(request, ctx) {
      const target = request.object as LambdaTarget;
      const current = copyStatus(target.status);
      const conditions = mergeConditions(current.conditions as unknown[] | undefined, await conditionsOf(target, ctx), {
        generation: generationOf(target),
        now: ctx.now().toISOString(),
        ownedTypes: ['Accepted', 'ResolvedRefs'],
      });
      return { status: statusIfChanged(target.status, { ...current, conditions }), resyncAfterSeconds: LAMBDA_TARGET_RESYNC_SECONDS };
    },
  };
  return { wiring: lambdaTargetWiring, handlers };
}
