import type { Observed, ObservedListener, ObservedNetwork, ObservedService, ObservedTargetGroup } from '../../../src/directory/observed';

export const ACCOUNT = '111122223333';
export const THIS_CLUSTER = `${ACCOUNT}/local/vpc-0a1b2c3d4e5f60718`;
const P = 'application-networking.k8s.aws/';
export const ours = (extra: Record<string, string> = {}) => ({ [`${P}ManagedBy`]: THIS_CLUSTER, ...extra });
export const route = (namespace: string, name: string) => ({
  [`${P}RouteNamespace`]: namespace,
  [`${P}RouteName`]: name,
  [`${P}RouteType`]: 'http',
});

const arn = (kind: string, id: string, account = ACCOUNT) => `arn:aws:vpc-lattice:us-west-2:${account}:${kind}/${id}`;

export function network(id: string, over: Partial<ObservedNetwork> = {}): ObservedNetwork {
  return {
    id,
    arn: arn('servicenetwork', id),
    name: id,
    authType: 'AWS_IAM',
    authPolicy: true,
    accessLogDestinations: ['arn:aws:s3:::logs'],
    vpcs: [],
    services: [],
    tags: ours(),
    ...over,
  };
}

export function forwardListener(id: string, groupIds: string[], over: Partial<ObservedListener> = {}): ObservedListener {
  return {
    id,
    name: 'http-80',
    protocol: 'HTTP',
    port: 80,
    defaultAction: { type: 'fixed-response', statusCode: 404 },
    rules: groupIds.map((g, i) => ({
      id: `rule-${id}-${i}`,
      name: 'k8s-0123456789abcdef',
      priority: i + 1,
      isDefault: false,
      match: `prefix /${i}`,
      action: { type: 'forward', targetGroups: [{ targetGroupId: g, targetGroupName: null, weight: 1 }] },
    })),
    ...over,
  };
}

export function service(id: string, over: Partial<ObservedService> = {}): ObservedService {
  return {
    id,
    arn: arn('service', id),
    name: id,
    status: 'ACTIVE',
    dnsName: `${id}.example`,
    customDomainName: null,
    certificateArn: null,
    authType: 'NONE',
    authPolicy: false,
    accessLogDestinations: [],
    listeners: [],
    tags: ours(route('ns', id)),
    ...over,
  };
}

export function targetGroup(id: string, over: Partial<ObservedTargetGroup> = {}): ObservedTargetGroup {
  return {
    id,
    arn: arn('targetgroup', id),
    name: `k8s-${id}-0123456789ab`,
    type: 'IP',
    protocol: 'HTTP',
    port: 80,
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    status: 'ACTIVE',
    serviceArns: [],
    targets: [{ id: '10.0.0.1', port: 80, status: 'HEALTHY', reasonCode: null }],
    tags: ours(),
    ...over,
  };
}

export function observed(over: Partial<Observed> = {}): Observed {
  return {
    account: ACCOUNT,
    readAt: new Date('2026-12-05T05:00:00Z'),
    networks: [],
    services: [],
    targetGroups: [],
    skipped: [],
    calls: 0,
    ...over,
  };
}

/** A network `net` holding `serviceIds`. */
export function networkWith(id: string, serviceIds: string[], over: Partial<ObservedNetwork> = {}): ObservedNetwork {
  return network(id, { services: serviceIds.map((s) => ({ id: `snsa-${s}`, serviceId: s, status: 'ACTIVE' })), ...over });
}
