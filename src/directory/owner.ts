import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { TAG } from '../model/tags';
import type { Manager, Owner } from './types';

/**
 * Both controllers write the same tag keys (this project keeps the Go controller's so it can adopt
 * its resources), so ManagedBy says *that* a controller manages a resource and *which cluster*;
 * the names it chose say *which controller*: ours are deterministic (`http-80`, `k8s-<hex>`),
 * the Go controller's carry the route and port in listener names, a timestamp in rule names and
 * ten random letters at the end of target group names.
 */
const OUR_LISTENER = /^(http|https|tls)-\d+$/;
const GO_LISTENER = /-\d+-(http|https|tls)$/;
const OUR_RULE = /^k8s-[0-9a-f]{16}$/;
const GO_RULE = /^k8s-\d+-rule-\d+$/;
const OUR_TARGET_GROUP = /-[0-9a-f]{12}$/;
const GO_TARGET_GROUP = /^k8s-.+-[a-z]{10}$/;

const ACCESS_LOG_POLICY_TAG = `${KEY_PREFIX}AccessLogPolicy`;

export type NameEvidence = 'ours' | 'go' | 'unknown';

/** Which controller named a service, from its listeners' and rules' names. */
export function serviceNameEvidence(listenerNames: readonly string[], ruleNames: readonly string[]): NameEvidence {
  if (listenerNames.some((n) => GO_LISTENER.test(n)) || ruleNames.some((n) => GO_RULE.test(n))) return 'go';
  if (listenerNames.some((n) => OUR_LISTENER.test(n)) || ruleNames.some((n) => OUR_RULE.test(n))) return 'ours';
  return 'unknown';
}

export function targetGroupNameEvidence(name: string): NameEvidence {
  if (OUR_TARGET_GROUP.test(name)) return 'ours';
  if (GO_TARGET_GROUP.test(name)) return 'go';
  return 'unknown';
}

/** The Kubernetes object a resource comes from, as its tags tell. */
function sourceOf(tags: Readonly<Record<string, string>>): string | null {
  const routeName = tags[TAG.routeName];
  const routeNamespace = tags[TAG.routeNamespace];
  const sourceType = tags[TAG.sourceTypeKey];
  const routeKind = { http: 'HTTPRoute', grpc: 'GRPCRoute', tls: 'TLSRoute' }[tags[TAG.routeType] ?? ''] ?? sourceType ?? 'Route';
  if (sourceType === 'ServiceExport' && tags[TAG.serviceName])
    return `ServiceExport ${tags[TAG.serviceNamespace] ?? ''}/${tags[TAG.serviceName]}`;
  if (routeName && routeNamespace) {
    const backend = tags[TAG.serviceName] ? ` → Service ${tags[TAG.serviceNamespace] ?? routeNamespace}/${tags[TAG.serviceName]}` : '';
    return `${routeKind} ${routeNamespace}/${routeName}${backend}`;
  }
  if (tags[ACCESS_LOG_POLICY_TAG]) return `AccessLogPolicy ${tags[ACCESS_LOG_POLICY_TAG]}`;
  return null;
}

/**
 * Who manages a resource: nobody without a ManagedBy tag; this project when ManagedBy is this
 * cluster's or the names are ours; the AWS Go controller when the names are its; otherwise a
 * Gateway API controller that the names cannot tell (networks have no telling names).
 */
export function ownerOf(tags: Readonly<Record<string, string>>, evidence: NameEvidence, thisCluster: string | null): Owner {
  const managedBy = tags[TAG.managedBy] || null;
  if (managedBy === null)
    return { manager: 'none', managedBy: null, account: null, cluster: null, vpc: null, thisCluster: false, source: null };
  const [account, cluster, vpc] = managedBy.split('/');
  const mine = thisCluster !== null && managedBy === thisCluster;
  const manager: Manager =
    evidence === 'go' ? 'aws-gateway-api-controller' : evidence === 'ours' || mine ? 'lattice-gateway-hooks' : 'gateway-api-controller';
  return {
    manager,
    managedBy,
    account: account || null,
    cluster: cluster || null,
    vpc: vpc || null,
    thisCluster: mine,
    source: sourceOf(tags),
  };
}

export const MANAGER_LABELS: Record<Manager, string> = {
  'lattice-gateway-hooks': 'lattice-gateway-hooks',
  'aws-gateway-api-controller': 'AWS Gateway API controller (Go)',
  'gateway-api-controller': 'a Gateway API controller',
  none: 'nobody',
};
