import { attachPolicy } from '../gatewayapi/policy';
import { policyRelatedRules, type PolicyTargetKind } from '../gatewayapi/policyTargets';
import { policyStatus } from '../gatewayapi/policyStatus';
import { OUR_API_GROUP, OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { condition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { statusIfChanged } from '../metacontroller/response';
import { TARGET_GROUP_POLICY_KIND, targetGroupPolicyRules, type TargetGroupPolicy } from '../model/targetGroupPolicy';
import type { DecoratorHandlers, DecoratorWiring, HookController } from './types';

/**
 * TargetGroupPolicy status. The policy's effect is applied by the hooks that own target groups
 * (routes and exports read their Services' policies as related objects, with the same attachment
 * rules): this one only says whether the policy applies.
 */
const RESOURCE = 'targetgrouppolicies';

export const targetGroupPolicyWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'targetgrouppolicy',
  description: 'Reports whether TargetGroupPolicies apply (Accepted, Conflicted, TargetNotFound, Invalid).',
  resources: [{ apiVersion: OUR_API_VERSION, resource: RESOURCE, ignoreStatusChanges: true }],
  hooks: { customize: true, finalize: false },
};

const TARGET_KINDS: readonly PolicyTargetKind[] = [
  { group: '', kind: 'Service', apiVersion: 'v1', resource: 'services' },
  { group: OUR_API_GROUP, kind: 'ServiceExport', apiVersion: OUR_API_VERSION, resource: 'serviceexports' },
];

export function createTargetGroupPolicyController(): HookController {
  const handlers: DecoratorHandlers = {
    customize: (request) => ({ relatedResources: policyRelatedRules(request.parent as TargetGroupPolicy, TARGET_KINDS, RESOURCE) }),
    sync(request, ctx) {
      const policy = request.object as TargetGroupPolicy;
      const index = ObjectIndex.fromDecoratorRequest(request);
      const attachment = attachPolicy(
        policy,
        index.list<TargetGroupPolicy>(OUR_API_GROUP, TARGET_GROUP_POLICY_KIND),
        index,
        targetGroupPolicyRules,
      );
      const accepted =
        attachment.state === 'attached'
          ? condition(
              'Accepted',
              'True',
              'Accepted',
              `Applies to the target groups of ${attachment.ref.kind} ${attachment.ref.namespace}/${attachment.ref.name}`,
            )
          : attachment.condition;
      // A Service or ServiceExport is no Gateway ancestor: the policy reports in status.conditions only.
      const status = policyStatus(
        policy,
        { conditions: [accepted], ancestors: [] },
        {
          controllerName: ctx.config.controllerName,
          generation: generationOf(policy),
          now: ctx.now().toISOString(),
          ownedTypes: ['Accepted'],
        },
      );
      return { status: statusIfChanged(policy.status, status) };
    },
  };
  return { wiring: targetGroupPolicyWiring, handlers };
}
