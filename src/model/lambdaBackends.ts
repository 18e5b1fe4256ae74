import { OUR_API_GROUP } from '../gatewayapi/ourKeys';
import type { BackendRef } from '../gatewayapi/types';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { BackendLookups, BackendResolution } from './backends';
import { eventStructureVersionOf, functionArnProblem, LAMBDA_TARGET_KIND, parseFunctionArn, type LambdaTarget } from './lambdaTargets';

/**
 * A LambdaTarget backend (after kind and ReferenceGrant checks): the LambdaTarget must exist and
 * name a function Lattice can invoke (its account and Region). A function the hook found missing
 * keeps its backend — and so its weight — with a BackendNotFound problem: that share fails
 * instead of silently moving to the other backends.
 */
export function resolveLambdaTarget(
  ref: BackendRef,
  namespace: string,
  what: string,
  index: ObjectIndex,
  lookups: BackendLookups,
): BackendResolution {
  const target = index.get<LambdaTarget>({ group: OUR_API_GROUP, kind: LAMBDA_TARGET_KIND, namespace, name: ref.name });
  if (!target) return { problem: { reason: 'BackendNotFound', message: `${what}: LambdaTarget not found` } };
  const functionArn = target.spec?.functionArn ?? '';
  const arnProblem = lookups.identity
    ? functionArnProblem(functionArn, lookups.identity)
    : parseFunctionArn(functionArn)
      ? undefined
      : `${functionArn || '(no spec.functionArn)'} is not a Lambda function ARN`;
  if (arnProblem !== undefined) return { problem: { reason: 'BackendNotFound', message: `${what}: ${arnProblem}` } };
  const lookup = lookups.functions?.get(functionArn);
  const missing = lookup?.exists === false;
  const backend = {
    kind: 'lambda' as const,
    key: `lambda:${namespace}/${ref.name}`,
    weight: ref.weight ?? 1,
    namespace,
    name: ref.name,
    functionArn,
    eventStructureVersion: eventStructureVersionOf(target),
    missing,
  };
  if (!missing) return { backend };
  return {
    backend,
    problem: {
      reason: 'BackendNotFound',
      message: `${what}: function ${functionArn} ${lookup?.message ?? 'not found'}; its share of requests fails`,
    },
  };
}
