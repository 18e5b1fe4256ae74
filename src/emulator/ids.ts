import { createHash, randomBytes } from 'node:crypto';

/** Id prefixes and ARN resource segments of the Lattice resources the emulator keeps. */
const RESOURCE_KINDS = {
  serviceNetwork: { prefix: 'sn', arnSegment: 'servicenetwork' },
  service: { prefix: 'svc', arnSegment: 'service' },
  listener: { prefix: 'listener', arnSegment: 'listener' },
  rule: { prefix: 'rule', arnSegment: 'rule' },
  targetGroup: { prefix: 'tg', arnSegment: 'targetgroup' },
  serviceNetworkServiceAssociation: { prefix: 'snsa', arnSegment: 'servicenetworkserviceassociation' },
  serviceNetworkVpcAssociation: { prefix: 'snva', arnSegment: 'servicenetworkvpcassociation' },
  accessLogSubscription: { prefix: 'als', arnSegment: 'accesslogsubscription' },
} as const;

export type ResourceKind = keyof typeof RESOURCE_KINDS;

/** `<prefix>-` followed by 17 characters of `[0-9a-z]` (AWS uses lowercase hex). */
export function newId(kind: ResourceKind): string {
  return `${RESOURCE_KINDS[kind].prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

/** ARN of a top-level resource: `arn:aws:vpc-lattice:<region>:<account>:<segment>/<id>`. */
export function topLevelArn(scope: ArnScope, kind: Exclude<ResourceKind, 'listener' | 'rule'>, id: string): string {
  return `arn:${partitionOf(scope.region)}:vpc-lattice:${scope.region}:${scope.accountId}:${RESOURCE_KINDS[kind].arnSegment}/${id}`;
}

/** Listener and rule ARNs nest under their parent: `…:service/svc-…/listener/listener-…/rule/rule-…`. */
export function childArn(parentArn: string, kind: 'listener' | 'rule', id: string): string {
  return `${parentArn}/${RESOURCE_KINDS[kind].arnSegment}/${id}`;
}

export function isArn(identifier: string): boolean {
  return identifier.startsWith('arn:');
}

/** The id inside an identifier that is either an id or an ARN (already pattern-checked). */
export function idOf(identifier: string): string {
  return isArn(identifier) ? identifier.slice(identifier.lastIndexOf('/') + 1) : identifier;
}

function hexDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface DnsEntry {
  readonly domainName: string;
  readonly hostedZoneId: string;
}

/**
 * Generated service DNS name as the user guide documents it:
 * `<service name>-<service id>.<7 hex>.vpc-lattice-svcs.<region>.on.aws`. The 7-hex part is stable
 * per account and region, like the real one.
 */
export function serviceDnsEntry(scope: ArnScope, serviceName: string, serviceId: string): DnsEntry {
  const accountPart = hexDigest(`${scope.accountId}/${scope.region}`).slice(0, 7);
  const zone = hexDigest(`zone/${scope.region}`).slice(0, 20).toUpperCase();
  return {
    domainName: `${serviceName}-${serviceId}.${accountPart}.vpc-lattice-svcs.${scope.region}.on.aws`,
    hostedZoneId: `Z${zone}`,
  };
}

/** The region of a SigV4 `Authorization` header's credential scope, if it carries one. */
export function regionFromAuthorization(authorization: string): string | undefined {
  const match = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization);
  return match?.[1];
}
