import type { RelatedResourceRule } from '../metacontroller/types';
import { OUR_API_VERSION } from './ourKeys';
import { isGatewayRef, policyTargetRefs, type PolicyObject } from './policy';
import { GATEWAY_API_VERSION, GATEWAY_GROUP, REFERENCE_GRANT_API_VERSION } from './types';

/** The kinds a policy may target, and the related objects Metacontroller sends a policy's hooks. */

/** A kind a policy may target, with where Metacontroller finds it. */
export interface PolicyTargetKind {
  group: string;
  kind: string;
  apiVersion: string;
  /** Lowercase plural, as in the Kubernetes API path. */
  resource: string;
}

const targetKind = (kind: string, resource: string): PolicyTargetKind => ({
  group: GATEWAY_GROUP,
  kind,
  apiVersion: GATEWAY_API_VERSION,
  resource,
});
export const GATEWAY_TARGET = targetKind('Gateway', 'gateways');
export const HTTPROUTE_TARGET = targetKind('HTTPRoute', 'httproutes');
export const GRPCROUTE_TARGET = targetKind('GRPCRoute', 'grpcroutes');
export const TLSROUTE_TARGET = targetKind('TLSRoute', 'tlsroutes');

/** Every policy of one of our kinds: conflicts are decided across all of them. */
export function policiesRule(resource: string): RelatedResourceRule {
  return { apiVersion: OUR_API_VERSION, resource, labelSelector: {} };
}

/** Every ReferenceGrant: whether a policy of another namespace may compete for a target depends on them. */
const REFERENCE_GRANTS_RULE: RelatedResourceRule = {
  apiVersion: REFERENCE_GRANT_API_VERSION,
  resource: 'referencegrants',
  labelSelector: {},
};

/**
 * What a policy's sync needs: its target by name (a Gateway in every namespace, as Gateways of
 * one name share a service network), every ReferenceGrant (a policy of another namespace competes
 * only if a grant lets it refer to its target), and every policy of its kind.
 */
export function policyRelatedRules(policy: PolicyObject, kinds: readonly PolicyTargetKind[], ownResource: string): RelatedResourceRule[] {
  const rules: RelatedResourceRule[] = [];
  for (const ref of policyTargetRefs(policy)) {
    const kind = kinds.find((k) => k.group === ref.group && k.kind === ref.kind);
    if (!kind) continue;
    rules.push({
      apiVersion: kind.apiVersion,
      resource: kind.resource,
      ...(isGatewayRef(ref) ? {} : { namespace: ref.namespace }),
      names: [ref.name],
    });
  }
  rules.push(REFERENCE_GRANTS_RULE, policiesRule(ownResource));
  return rules;
}
