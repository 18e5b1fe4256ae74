/**
 * Rule actions (listener default actions and rule actions): the checks AWS makes beyond the model
 * and the normal form the emulator stores (target group ids, weights filled in).
 */
import { ConflictError, ValidationError } from '../errors';
import { findTargetGroup } from '../lookup';
import type { OperationContext } from '../operation';
import { enforceQuota } from '../quotas';
import type { RuleActionInput } from '../shapes';
import { targetGroupIdsOf, type ListenerRecord, type RuleAction, type WeightedTargetGroup } from '../state';
import { ensureStatus } from './common';

/** The only fixed-response codes the API documentation says Lattice supports. */
const FIXED_RESPONSE_CODES = [404, 500];
/** The weight AWS uses when a forward action names a single target group without one. */
const SINGLE_TARGET_GROUP_WEIGHT = 100;

export interface ActionTarget {
  readonly listener: ListenerRecord;
  /** The rule whose action is being replaced: its target groups do not count as already used. */
  readonly replacingRuleId?: string;
  /** Member path of the action in the request, for fieldList names. */
  readonly path: string;
}

export function resolveAction(context: OperationContext, action: RuleActionInput, where: ActionTarget): RuleAction {
  if (action.fixedResponse !== undefined) {
    const { statusCode } = action.fixedResponse;
    if (!FIXED_RESPONSE_CODES.includes(statusCode)) {
      throw ValidationError.field(
        `${where.path}.fixedResponse.statusCode`,
        `Value '${statusCode}' at '${where.path}.fixedResponse.statusCode' failed to satisfy constraint: only 404 and 500 are supported`,
      );
    }
    return { fixedResponse: { statusCode } };
  }
  const requested = action.forward?.targetGroups ?? [];
  const targetGroups = requested.map((entry, index): WeightedTargetGroup => {
    const path = `${where.path}.forward.targetGroups[${index}]`;
    if (entry.weight === undefined && requested.length > 1) {
      throw ValidationError.field(`${path}.weight`, `A weight is required at '${path}.weight' when forwarding to several target groups`);
    }
    const group = findTargetGroup(context.store, entry.targetGroupIdentifier);
    ensureStatus(group, context, ['CREATE_IN_PROGRESS', 'ACTIVE'], 'TARGET_GROUP', 'forward to the target group');
    checkProtocol(where.listener, group.type === 'LAMBDA' ? 'LAMBDA' : group.config?.protocol, path);
    return { targetGroupIdentifier: group.id, weight: entry.weight ?? SINGLE_TARGET_GROUP_WEIGHT };
  });
  const ids = targetGroups.map((group) => group.targetGroupIdentifier);
  if (new Set(ids).size !== ids.length) {
    throw ValidationError.field(`${where.path}.forward.targetGroups`, 'A target group may appear only once in a forward action');
  }
  checkTargetGroupsBelongToService(context, where, ids);
  return { forward: { targetGroups } };
}

/** TLS passthrough listeners forward TCP; HTTP and HTTPS listeners forward HTTP, HTTPS or to a Lambda function. */
function checkProtocol(listener: ListenerRecord, protocol: string | undefined, path: string): void {
  if (protocol === undefined) return;
  const passthrough = listener.protocol === 'TLS_PASSTHROUGH';
  if (passthrough !== (protocol === 'TCP')) {
    throw ValidationError.field(
      `${path}.targetGroupIdentifier`,
      `A ${listener.protocol} listener cannot forward to a ${protocol} target group`,
    );
  }
}

/** A target group serves one service only, and a service uses a limited number of target groups. */
function checkTargetGroupsBelongToService(context: OperationContext, where: ActionTarget, ids: readonly string[]): void {
  const { store } = context;
  const serviceId = where.listener.serviceId;
  for (const id of ids) {
    const other = [...store.servicesUsing(id)].find((service) => service !== serviceId);
    if (other !== undefined) {
      throw new ConflictError('TARGET_GROUP', id, `Target group ${id} is already used by service ${other}`);
    }
  }
  const used = new Set<string>();
  for (const rule of store.rules.values()) {
    if (rule.serviceId === serviceId && rule.id !== where.replacingRuleId) {
      for (const id of targetGroupIdsOf(rule.action)) used.add(id);
    }
  }
  const adding = ids.filter((id) => !used.has(id)).length;
  enforceQuota(context.settings.quotas, 'targetGroupsPerService', used.size, adding, serviceId);
}
