import { isIP } from 'node:net';
import { findTargetGroup } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import { paging, target, targetGroupIdentifier, type TargetInput } from '../shapes';
import type { TargetGroupRecord } from '../state';
import { list, required, struct } from '../validation';
import { targetView } from '../views';
import { ensureStatus } from './common';

const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const ALB_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/app\/[^/]+\/[0-9a-f]+$/;

interface TargetFailure {
  readonly id: string;
  readonly port: number | undefined;
  readonly failureCode: string;
  readonly failureMessage: string;
}

/** Why a target id does not fit the target group type, if it does not. */
function targetIdProblem(group: TargetGroupRecord, id: string): string | undefined {
  switch (group.type) {
    case 'IP': {
      const family = group.config?.ipAddressType === 'IPV6' ? 6 : 4;
      return isIP(id) === family ? undefined : `${id} is not an IPv${family} address`;
    }
    case 'INSTANCE':
      return INSTANCE_ID.test(id) ? undefined : `${id} is not an EC2 instance id`;
    case 'LAMBDA':
      return LAMBDA_ARN.test(id) ? undefined : `${id} is not a Lambda function ARN`;
    case 'ALB':
      return ALB_ARN.test(id) ? undefined : `${id} is not an Application Load Balancer ARN`;
  }
}

/** Lambda targets have no port; others default to the target group's port. */
function targetPort(group: TargetGroupRecord, requested: TargetInput): number | undefined {
  return group.type === 'LAMBDA' ? undefined : (requested.port ?? group.config?.port);
}

function targetKey(id: string, port: number | undefined): string {
  return `${id}:${port ?? ''}`;
}

const targetsInput = { targetGroupIdentifier: required(targetGroupIdentifier), targets: required(list(target, { min: 1, max: 100 })) };

const registerTargets = defineOperation({
  name: 'RegisterTargets',
  method: 'POST',
  uri: '/targetgroups/{targetGroupIdentifier}/registertargets',
  successCode: 200,
  input: struct(targetsInput),
  handle: (context, input) => {
    const group = findTargetGroup(context.store, input.targetGroupIdentifier);
    ensureStatus(group, context, ['ACTIVE'], 'TARGET_GROUP', 'register targets');
    const unsuccessful: TargetFailure[] = [];
    const accepted = new Map<string, { id: string; port: number | undefined }>();
    for (const requested of input.targets) {
      const port = targetPort(group, requested);
      const problem = targetIdProblem(group, requested.id);
      if (problem === undefined) accepted.set(targetKey(requested.id, port), { id: requested.id, port });
      else unsuccessful.push({ id: requested.id, port, failureCode: 'InvalidTarget', failureMessage: problem });
    }
    const isRegistered = (key: string) => {
      const existing = group.targets.get(key);
      return existing !== undefined && existing.drainingUntil === undefined;
    };
    const registeredCount = [...group.targets.keys()].filter(isRegistered).length;
    const newKeys = [...accepted.keys()].filter((key) => !isRegistered(key));
    enforceQuota(context.settings.quotas, 'targetsPerTargetGroup', registeredCount, newKeys.length, group.id);
    if (group.type === 'LAMBDA' && registeredCount + newKeys.length > 1) {
      for (const key of newKeys) {
        const refused = accepted.get(key);
        accepted.delete(key);
        if (refused !== undefined) {
          unsuccessful.push({ ...refused, failureCode: 'TooManyTargets', failureMessage: 'A Lambda target group holds one target' });
        }
      }
    }
    for (const [key, { id, port }] of accepted) register(context, group, key, id, port);
    return { successful: [...accepted.values()], unsuccessful };
  },
});

function register(context: OperationContext, group: TargetGroupRecord, key: string, id: string, port: number | undefined): void {
  const existing = group.targets.get(key);
  if (existing !== undefined && existing.drainingUntil === undefined) return;
  group.targets.set(key, {
    id,
    port,
    seq: existing?.seq ?? context.store.nextSeq(),
    initialUntil: context.now + context.settings.transitionMs,
    drainingUntil: undefined,
  });
}

/** Idempotent: targets that are not registered are reported as successful too. */
const deregisterTargets = defineOperation({
  name: 'DeregisterTargets',
  method: 'POST',
  uri: '/targetgroups/{targetGroupIdentifier}/deregistertargets',
  successCode: 200,
  input: struct(targetsInput),
  handle: (context, input) => {
    const group = findTargetGroup(context.store, input.targetGroupIdentifier);
    const successful = input.targets.map((requested) => {
      const port = targetPort(group, requested);
      const existing = group.targets.get(targetKey(requested.id, port));
      if (existing !== undefined && existing.drainingUntil === undefined) {
        existing.drainingUntil = context.now + context.settings.transitionMs;
      }
      return { id: requested.id, port };
    });
    return { successful, unsuccessful: [] };
  },
});

const listTargets = defineOperation({
  name: 'ListTargets',
  method: 'POST',
  uri: '/targetgroups/{targetGroupIdentifier}/listtargets',
  successCode: 200,
  query: PAGING_QUERY,
  input: struct({ targetGroupIdentifier: required(targetGroupIdentifier), ...paging, targets: list(target, { min: 0, max: 20 }) }),
  handle: (context, input) => {
    const group = findTargetGroup(context.store, input.targetGroupIdentifier);
    const filter = input.targets ?? [];
    const targets = [...group.targets.values()].filter(
      (candidate) =>
        filter.length === 0 ||
        filter.some((wanted) => wanted.id === candidate.id && (wanted.port === undefined || wanted.port === candidate.port)),
    );
    return listOutput(targets, input, context.settings.defaultPageSize, (candidate) => targetView(group, candidate, context.now));
  },
});

export const targetOperations: readonly Operation[] = [registerTargets, deregisterTargets, listTargets];
