import { ConflictError, ValidationError } from '../errors';
import { createIdempotently } from '../idempotency';
import { newId, topLevelArn } from '../ids';
import { enterPhase } from '../lifecycle';
import { findTargetGroup } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import {
  clientToken,
  healthCheck,
  paging,
  tags,
  TARGET_GROUP_TYPES,
  targetGroupConfig,
  targetGroupIdentifier,
  targetGroupName,
  vpcId,
  type TargetGroupConfigInput,
} from '../shapes';
import { targetGroupIdsOf, type TargetGroupConfig, type TargetGroupRecord, type TargetGroupType } from '../state';
import { enumOf, required, struct } from '../validation';
import { pick, targetGroupSummary, targetGroupView, withStatus } from '../views';
import { beginDeletion, ensureNameFree, ensureStatus, isDeleting, newRecordFields } from './common';

const identified = { targetGroupIdentifier: required(targetGroupIdentifier) };

const WRITE_FIELDS = ['id', 'arn', 'name', 'type', 'config', 'status'] as const;

/** Config members the API documentation says a type does not support. */
const UNSUPPORTED_CONFIG: Record<TargetGroupType, readonly (keyof TargetGroupConfigInput)[]> = {
  IP: ['lambdaEventStructureVersion'],
  INSTANCE: ['lambdaEventStructureVersion', 'ipAddressType'],
  ALB: ['lambdaEventStructureVersion', 'ipAddressType', 'healthCheck'],
  LAMBDA: ['port', 'protocol', 'protocolVersion', 'ipAddressType', 'vpcIdentifier', 'healthCheck'],
};

/**
 * Checks the combination of type and config and fills the documented defaults (port 80/443,
 * protocol version HTTP1, IPV4, Lambda event structure V1). The health check is kept as sent.
 */
function normalizeConfig(type: TargetGroupType, config: TargetGroupConfigInput | undefined): TargetGroupConfig {
  const given = config ?? {};
  for (const member of UNSUPPORTED_CONFIG[type]) {
    if (given[member] !== undefined) {
      throw ValidationError.field(`config.${member}`, `config.${member} is not supported for target groups of type ${type}`);
    }
  }
  if (type === 'LAMBDA') return { ...given, lambdaEventStructureVersion: given.lambdaEventStructureVersion ?? 'V1' };
  if (given.protocol === undefined) throw ValidationError.field('config.protocol', `config.protocol is required for type ${type}`);
  if (given.vpcIdentifier === undefined) {
    throw ValidationError.field('config.vpcIdentifier', `config.vpcIdentifier is required for type ${type}`);
  }
  if (given.port === undefined && given.protocol === 'TCP') {
    throw ValidationError.field('config.port', 'config.port is required for the TCP protocol');
  }
  return {
    ...given,
    port: given.port ?? (given.protocol === 'HTTPS' ? 443 : 80),
    protocolVersion: given.protocolVersion ?? (given.protocol === 'TCP' ? undefined : 'HTTP1'),
    ipAddressType: type === 'IP' ? (given.ipAddressType ?? 'IPV4') : undefined,
  };
}

function writeResponse(context: OperationContext, group: TargetGroupRecord) {
  return pick(targetGroupView(context.store, group, context.now), WRITE_FIELDS);
}

const createTargetGroup = defineOperation({
  name: 'CreateTargetGroup',
  method: 'POST',
  uri: '/targetgroups',
  successCode: 201,
  input: struct({
    name: required(targetGroupName),
    type: required(enumOf(TARGET_GROUP_TYPES)),
    config: targetGroupConfig,
    clientToken,
    tags,
  }),
  handle: (context, input) =>
    createIdempotently(context, {
      operation: 'CreateTargetGroup',
      clientToken: input.clientToken,
      input,
      resourceType: 'TARGET_GROUP',
      replay: (id) => {
        const group = context.store.targetGroups.get(id);
        return group && writeResponse(context, group);
      },
      create: () => {
        const { store } = context;
        const config = normalizeConfig(input.type, input.config);
        ensureNameFree(store.targetGroups.values(), input.name, 'TARGET_GROUP', 'in this account');
        enforceQuota(context.settings.quotas, 'targetGroupsPerRegion', store.targetGroups.size);
        const id = newId('targetGroup');
        const group: TargetGroupRecord = {
          ...newRecordFields(context, id, topLevelArn(context.scope, 'targetGroup', id), input.tags),
          name: input.name,
          type: input.type,
          config,
          lifecycle: enterPhase('CREATE_IN_PROGRESS', context.now, context.settings.transitionMs),
          targets: new Map(),
          inUse: false,
        };
        store.targetGroups.set(id, group);
        return { resourceId: id, response: withStatus(writeResponse(context, group), 'CREATE_IN_PROGRESS') };
      },
    }),
});

const getTargetGroup = defineOperation({
  name: 'GetTargetGroup',
  method: 'GET',
  uri: '/targetgroups/{targetGroupIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => targetGroupView(context.store, findTargetGroup(context.store, input.targetGroupIdentifier), context.now),
});

const listTargetGroups = defineOperation({
  name: 'ListTargetGroups',
  method: 'GET',
  uri: '/targetgroups',
  successCode: 200,
  query: { ...PAGING_QUERY, vpcIdentifier: 'string', targetGroupType: 'string' },
  input: struct({ ...paging, vpcIdentifier: vpcId, targetGroupType: enumOf(TARGET_GROUP_TYPES) }),
  handle: (context, input) => {
    const groups = [...context.store.targetGroups.values()].filter(
      (group) =>
        (input.vpcIdentifier === undefined || group.config?.vpcIdentifier === input.vpcIdentifier) &&
        (input.targetGroupType === undefined || group.type === input.targetGroupType),
    );
    return listOutput(groups, input, context.settings.defaultPageSize, (group) => targetGroupSummary(context.store, group, context.now));
  },
});

const updateTargetGroup = defineOperation({
  name: 'UpdateTargetGroup',
  method: 'PATCH',
  uri: '/targetgroups/{targetGroupIdentifier}',
  successCode: 200,
  input: struct({ ...identified, healthCheck: required(healthCheck) }),
  handle: (context, input) => {
    const group = findTargetGroup(context.store, input.targetGroupIdentifier);
    ensureStatus(group, context, ['CREATE_IN_PROGRESS', 'ACTIVE'], 'TARGET_GROUP', 'update the target group');
    if (group.type === 'LAMBDA' || group.type === 'ALB') {
      throw ValidationError.field('healthCheck', `Health checks are not supported for target groups of type ${group.type}`);
    }
    group.config = { ...group.config, healthCheck: { ...group.config?.healthCheck, ...input.healthCheck } };
    group.lastUpdatedAt = context.now;
    return writeResponse(context, group);
  },
});

/** Refused while a listener or rule forwards to the group or while it is still being created. */
const deleteTargetGroup = defineOperation({
  name: 'DeleteTargetGroup',
  method: 'DELETE',
  uri: '/targetgroups/{targetGroupIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => {
    const { store } = context;
    const group = findTargetGroup(store, input.targetGroupIdentifier);
    const fields = ['id', 'arn', 'status'] as const;
    if (isDeleting(group)) return pick(writeResponse(context, group), fields);
    ensureStatus(group, context, ['ACTIVE'], 'TARGET_GROUP', 'delete the target group');
    const rule = [...store.rules.values()].find((candidate) => targetGroupIdsOf(candidate.action).includes(group.id));
    if (rule !== undefined) {
      throw new ConflictError(
        'TARGET_GROUP',
        group.id,
        `Target group ${group.id} is used by rule ${rule.id} of listener ${rule.listenerId}`,
      );
    }
    beginDeletion(context, group);
    return pick(withStatus(writeResponse(context, group), 'DELETE_IN_PROGRESS'), fields);
  },
});

export const targetGroupOperations: readonly Operation[] = [
  createTargetGroup,
  getTargetGroup,
  listTargetGroups,
  updateTargetGroup,
  deleteTargetGroup,
];
