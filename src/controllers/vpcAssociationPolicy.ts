import { conflictedCondition, policyTargetRefs, resolvePolicyTarget, winningPolicy, type PolicyObject, type PolicyTargetRef } from '../gatewayapi/policy';
import { KEY_PREFIX, MANAGED_LABEL, MANAGED_LABEL_VALUE, OUR_API_GROUP, OUR_API_VERSION, SERVICE_NETWORK_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import { GATEWAY_API_VERSION, GATEWAY_GROUP, REFERENCE_GRANT_API_VERSION, type Gateway } from '../gatewayapi/types';
import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { copyStatus, metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse, RelatedResourceRule } from '../metacontroller/types';
import { ensureVpcAssociation, removeVpcAssociation } from '../lattice/vpcAssociations';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from './types';

/** Where the association ARN is recorded (the Go controller's annotation). */
export const ASSOCIATION_ARN_ANNOTATION = `${KEY_PREFIX}resourceArn`;

const KIND = 'VpcAssociationPolicy';
const OWNED = ['Accepted', 'Programmed'] as const;
const PENDING_RESYNC_SECONDS = 5;
const WAIT_RESYNC_SECONDS = 30;

export const vpcAssociationPolicyWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'vpcassociationpolicy',
  description: "Associates a Gateway's service network with the cluster VPC, with security groups.",
  resources: [{ apiVersion: OUR_API_VERSION, resource: 'vpcassociationpolicies' }],
  hooks: { customize: true, finalize: true },
};

interface VpcAssociationPolicy extends PolicyObject {
  spec?: PolicyObject['spec'] & { associateWithVpc?: boolean; securityGroupIds?: string[] };
}

interface Outcome {
  conditions: DesiredCondition[];
  associationArn: string | null;
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

function answer(policy: VpcAssociationPolicy, ctx: HookContext, outcome: Outcome): DecoratorHookResponse {
  const current = copyStatus(policy.status);
  const status = {
    ...current,
    conditions: mergeConditions(current.conditions as unknown[] | undefined, outcome.conditions, {
      generation: generationOf(policy),
      now: ctx.now().toISOString(),
      ownedTypes: OWNED,
    }),
  };
  return {
    status: statusIfChanged(policy.status, status),
    annotations: metadataPatch(policy.metadata.annotations, { [ASSOCIATION_ARN_ANNOTATION]: outcome.associationArn }),
    ...(outcome.resyncAfterSeconds ? { resyncAfterSeconds: outcome.resyncAfterSeconds } : {}),
    ...(outcome.finalized ? { finalized: true } : {}),
  };
}

function isOurGateway(gateway: Gateway): boolean {
  return gateway.metadata.labels?.[MANAGED_LABEL] === MANAGED_LABEL_VALUE;
}

/** Removes the association this policy made, if any; used when the policy no longer wants one. */
async function release(policy: VpcAssociationPolicy, ctx: HookContext, conditions: DesiredCondition[]): Promise<Outcome> {
  const knownArn = policy.metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION];
  if (!knownArn) return { conditions, associationArn: null };
  const removal = await removeVpcAssociation(ctx.aws.api, { managedBy: ctx.aws.identity.managedBy, knownArn, vpcId: ctx.aws.identity.vpcId });
  return removal.done
    ? { conditions, associationArn: null }
    : { conditions, associationArn: knownArn, resyncAfterSeconds: PENDING_RESYNC_SECONDS };
}

async function reconcile(request: DecoratorHookRequest, ctx: HookContext): Promise<Outcome> {
  const policy = request.object as VpcAssociationPolicy;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const refs = policyTargetRefs(policy);
  if (refs.length !== 1) {
    return release(policy, ctx, [condition('Accepted', 'False', 'Invalid', 'A VpcAssociationPolicy needs exactly one targetRef to a Gateway')]);
  }
  const target = resolvePolicyTarget<Gateway>(policy, refs[0] as PolicyTargetRef, index, { kinds: [{ group: GATEWAY_GROUP, kind: 'Gateway' }], isOurs: isOurGateway });
  if (target.state !== 'found') return release(policy, ctx, [target.condition]);
  const policies = index.list<VpcAssociationPolicy>(OUR_API_GROUP, KIND);
  const winner = winningPolicy(policies, target.ref);
  if (winner && winner.metadata.uid !== policy.metadata.uid) {
    // The winner manages the same network ↔ VPC pair: step back without touching it.
    return { conditions: [conflictedCondition(winner, target.ref)], associationArn: null };
  }

  const accepted = condition('Accepted', 'True', 'Accepted');
  const knownArn = policy.metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION];
  if (policy.spec?.associateWithVpc === false) {
    const outcome = await release(policy, ctx, [accepted, condition('Programmed', 'True', 'Programmed', 'Not associated (associateWithVpc: false)')]);
    return outcome.associationArn ? { ...outcome, conditions: [accepted, condition('Programmed', 'False', 'Pending', 'Removing the association')] } : outcome;
  }
  const networkArn = target.target.metadata.annotations?.[SERVICE_NETWORK_ARN_ANNOTATION];
  if (!networkArn) {
    return {
      conditions: [accepted, condition('Programmed', 'False', 'Pending', `Waiting for the service network of Gateway ${target.ref.namespace}/${target.ref.name}`)],
      associationArn: knownArn ?? null,
      resyncAfterSeconds: WAIT_RESYNC_SECONDS,
    };
  }
  const { identity, api } = ctx.aws;
  const result = await ensureVpcAssociation(api, {
    owner: `${identity.managedBy}/${policy.metadata.uid ?? `${policy.metadata.namespace}/${policy.metadata.name}`}`,
    managedBy: identity.managedBy,
    knownArn,
    networkArn,
    vpcId: identity.vpcId,
    securityGroupIds: policy.spec?.securityGroupIds ?? [],
  });
  switch (result.state) {
    case 'active':
      return { conditions: [accepted, condition('Programmed', 'True', 'Programmed', `association ${result.arn}`)], associationArn: result.arn };
    case 'pending':
      return { conditions: [accepted, condition('Programmed', 'False', 'Pending', result.message)], associationArn: result.arn ?? null, resyncAfterSeconds: PENDING_RESYNC_SECONDS };
    case 'failed':
      return { conditions: [accepted, condition('Programmed', 'False', 'Invalid', result.message)], associationArn: result.arn, resyncAfterSeconds: WAIT_RESYNC_SECONDS };
    case 'conflicted':
      return { conditions: [condition('Accepted', 'False', 'Conflicted', result.message)], associationArn: null, resyncAfterSeconds: WAIT_RESYNC_SECONDS };
  }
}

export function createVpcAssociationPolicyController(): HookController {
  const handlers: DecoratorHandlers = {
    customize(request) {
      const policy = request.parent as VpcAssociationPolicy;
      const rules: RelatedResourceRule[] = [];
      for (const ref of policyTargetRefs(policy)) {
        if (ref.group === GATEWAY_GROUP && ref.kind === 'Gateway') {
          rules.push({ apiVersion: GATEWAY_API_VERSION, resource: 'gateways', namespace: ref.namespace, names: [ref.name] });
          if (ref.namespace !== policy.metadata.namespace) rules.push({ apiVersion: REFERENCE_GRANT_API_VERSION, resource: 'referencegrants', namespace: ref.namespace });
        }
      }
      // Every policy of this kind: conflicts are decided across all of them.
      rules.push({ apiVersion: OUR_API_VERSION, resource: 'vpcassociationpolicies', labelSelector: {} });
      return { relatedResources: rules };
    },
    async sync(request, ctx) {
      return answer(request.object as VpcAssociationPolicy, ctx, await reconcile(request, ctx));
    },
    async finalize(request, ctx) {
      const policy = request.object as VpcAssociationPolicy;
      const index = ObjectIndex.fromDecoratorRequest(request);
      const [ref] = policyTargetRefs(policy);
      const successor = ref ? winningPolicy(index.list<VpcAssociationPolicy>(OUR_API_GROUP, KIND), ref) : undefined;
      const conditions = [condition('Accepted', 'True', 'Accepted', 'Deleting')];
      // Another policy takes the target over: it keeps the association.
      const outcome = successor ? { conditions, associationArn: null } : await release(policy, ctx, conditions);
      return answer(policy, ctx, outcome.associationArn ? outcome : { ...outcome, finalized: true });
    },
  };
  return { wiring: vpcAssociationPolicyWiring, handlers };
}
