import type { HealthCheckConfig } from '@aws-sdk/client-vpc-lattice';
import { attachable, policyTargetRefs, winningPolicy, type PolicyAttachmentRules, type PolicyObject } from '../gatewayapi/policy';
import { OUR_API_GROUP } from '../gatewayapi/ourKeys';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { KubeObject } from '../metacontroller/types';
import { defaultHealthCheck, type TargetGroupProtocol, type TargetGroupProtocolVersion } from './targetGroups';

export const TARGET_GROUP_POLICY_KIND = 'TargetGroupPolicy';

export interface TargetGroupPolicy extends PolicyObject {
  spec?: PolicyObject['spec'] & {
    protocol?: string;
    protocolVersion?: string;
    healthCheck?: {
      enabled?: boolean;
      intervalSeconds?: number;
      timeoutSeconds?: number;
      healthyThresholdCount?: number;
      unhealthyThresholdCount?: number;
      statusMatch?: string;
      path?: string;
      port?: number;
      protocol?: string;
      protocolVersion?: string;
    };
  };
}

export interface TargetGroupSettings {
  protocol?: 'HTTP' | 'HTTPS';
  protocolVersion?: 'HTTP1' | 'HTTP2';
  healthCheck?: HealthCheckConfig;
}

const PATH = /^\/[a-zA-Z0-9@:%_+.~#?&/=-]*$/;
const STATUS_MATCH = /^[0-9]{3}([-,][0-9]{3})*$/;

function inRange(value: number | undefined, min: number, max: number, name: string, problems: string[]): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
    problems.push(`${name} must be ${min}-${max}, got ${value}`);
}

/** A policy's settings as Lattice takes them, or what is wrong with it (ranges as the Lattice API allows). */
export function targetGroupSettings(policy: TargetGroupPolicy): { settings: TargetGroupSettings } | { problem: string } {
  const spec = policy.spec ?? {};
  const problems: string[] = [];
  if (spec.protocol !== undefined && spec.protocol !== 'HTTP' && spec.protocol !== 'HTTPS')
    problems.push(`protocol must be HTTP or HTTPS, got ${spec.protocol}`);
  if (spec.protocolVersion !== undefined && spec.protocolVersion !== 'HTTP1' && spec.protocolVersion !== 'HTTP2')
    problems.push(`protocolVersion must be HTTP1 or HTTP2, got ${spec.protocolVersion}`);
  const hc = spec.healthCheck;
  let healthCheck: HealthCheckConfig | undefined;
  if (hc) {
    inRange(hc.intervalSeconds, 5, 300, 'healthCheck.intervalSeconds', problems);
    inRange(hc.timeoutSeconds, 1, 120, 'healthCheck.timeoutSeconds', problems);
    inRange(hc.healthyThresholdCount, 2, 10, 'healthCheck.healthyThresholdCount', problems);
    inRange(hc.unhealthyThresholdCount, 2, 10, 'healthCheck.unhealthyThresholdCount', problems);
    inRange(hc.port, 1, 65535, 'healthCheck.port', problems);
    if (hc.path !== undefined && (!PATH.test(hc.path) || hc.path.length > 2048))
      problems.push(`healthCheck.path ${hc.path} is not a valid path`);
    if (hc.statusMatch !== undefined && !STATUS_MATCH.test(hc.statusMatch))
      problems.push(`healthCheck.statusMatch ${hc.statusMatch} must look like 200, 200-299 or 200,202`);
    if (hc.protocol !== undefined && hc.protocol !== 'HTTP' && hc.protocol !== 'HTTPS')
      problems.push(`healthCheck.protocol must be HTTP or HTTPS`);
    if (hc.protocolVersion !== undefined && hc.protocolVersion !== 'HTTP1' && hc.protocolVersion !== 'HTTP2')
      problems.push(`healthCheck.protocolVersion must be HTTP1 or HTTP2`);
    healthCheck = {
      ...(hc.enabled !== undefined ? { enabled: hc.enabled } : {}),
      ...(hc.intervalSeconds !== undefined ? { healthCheckIntervalSeconds: hc.intervalSeconds } : {}),
      ...(hc.timeoutSeconds !== undefined ? { healthCheckTimeoutSeconds: hc.timeoutSeconds } : {}),
      ...(hc.healthyThresholdCount !== undefined ? { healthyThresholdCount: hc.healthyThresholdCount } : {}),
      ...(hc.unhealthyThresholdCount !== undefined ? { unhealthyThresholdCount: hc.unhealthyThresholdCount } : {}),
      ...(hc.statusMatch !== undefined ? { matcher: { httpCode: hc.statusMatch } } : {}),
      ...(hc.path !== undefined ? { path: hc.path } : {}),
      ...(hc.port !== undefined ? { port: hc.port } : {}),
      ...(hc.protocol !== undefined ? { protocol: hc.protocol as 'HTTP' | 'HTTPS' } : {}),
      ...(hc.protocolVersion !== undefined ? { protocolVersion: hc.protocolVersion as 'HTTP1' | 'HTTP2' } : {}),
    };
  }
  if (problems.length > 0) return { problem: problems.join('; ') };
  return {
    settings: {
      ...(spec.protocol ? { protocol: spec.protocol as 'HTTP' | 'HTTPS' } : {}),
      ...(spec.protocolVersion ? { protocolVersion: spec.protocolVersion as 'HTTP1' | 'HTTP2' } : {}),
      ...(healthCheck ? { healthCheck } : {}),
    },
  };
}

/**
 * Who a TargetGroupPolicy may attach to and which policies compete: a Service or ServiceExport of
 * its own namespace (where the hooks that make target groups look for policies), and a policy
 * whose settings Lattice would refuse never wins.
 */
export const targetGroupPolicyRules: PolicyAttachmentRules<TargetGroupPolicy, KubeObject> = {
  kinds: [
    { group: '', kind: 'Service' },
    { group: OUR_API_GROUP, kind: 'ServiceExport' },
  ],
  specProblem(policy) {
    const ref = policyTargetRefs(policy)[0];
    if (ref && ref.namespace !== policy.metadata.namespace)
      return 'A TargetGroupPolicy applies only to a Service or ServiceExport of its own namespace';
    const settings = targetGroupSettings(policy);
    return 'problem' in settings ? settings.problem : undefined;
  },
};

/** The settings of the policy that wins a Service or ServiceExport, among the request's objects. */
export function policyFor(
  index: ObjectIndex,
  target: { group: string; kind: 'Service' | 'ServiceExport'; namespace: string; name: string },
): TargetGroupSettings | undefined {
  const policies = index.list<TargetGroupPolicy>(OUR_API_GROUP, TARGET_GROUP_POLICY_KIND, target.namespace);
  const winner = winningPolicy(policies, { ...target }, attachable(targetGroupPolicyRules, index));
  if (!winner) return undefined;
  const settings = targetGroupSettings(winner);
  return 'settings' in settings ? settings.settings : undefined;
}

/**
 * Protocol, version and health check of a target group: the route kind's choice, then the policy.
 * gRPC stays GRPC and TCP stays TCP whatever the policy says; the health check is the default of
 * the resulting protocol with the policy's fields on top.
 */
export function applySettings(
  base: { protocol: TargetGroupProtocol; protocolVersion: TargetGroupProtocolVersion | undefined },
  settings: TargetGroupSettings | undefined,
): { protocol: TargetGroupProtocol; protocolVersion: TargetGroupProtocolVersion | undefined; healthCheck: HealthCheckConfig } {
  const fixed = base.protocol === 'TCP' || base.protocolVersion === 'GRPC';
  const protocol = fixed ? base.protocol : (settings?.protocol ?? base.protocol);
  const protocolVersion = fixed ? base.protocolVersion : (settings?.protocolVersion ?? base.protocolVersion);
  const healthCheck = { ...defaultHealthCheck(protocol, protocolVersion), ...(settings?.healthCheck ?? {}) };
  return { protocol, protocolVersion, healthCheck };
}
