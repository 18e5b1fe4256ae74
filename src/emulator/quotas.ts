/**
 * The default service quotas of VPC Lattice (AWS General Reference, "Amazon VPC Lattice endpoints
 * and quotas") with their Service Quotas codes. Each is adjustable through `/_emulator/config`.
 */
import { ServiceQuotaExceededError, type ResourceType } from './errors';

interface QuotaDefinition {
  readonly defaultValue: number;
  readonly quotaCode: string;
  readonly resourceType: ResourceType;
  readonly description: string;
}

export const QUOTAS = {
  listenersPerService: { defaultValue: 2, quotaCode: 'L-D64E952E', resourceType: 'LISTENER', description: 'Listeners per service' },
  rulesPerListener: {
    defaultValue: 10,
    quotaCode: 'L-CF78395E',
    resourceType: 'RULE',
    description: 'Rules per listener (the default rule excluded)',
  },
  targetGroupsPerService: {
    defaultValue: 10,
    quotaCode: 'L-3DEC3B9F',
    resourceType: 'TARGET_GROUP',
    description: 'Target groups per service',
  },
  targetsPerTargetGroup: {
    defaultValue: 1000,
    quotaCode: 'L-D71303F3',
    resourceType: 'TARGET',
    description: 'Targets per target group',
  },
  targetGroupsPerRegion: {
    defaultValue: 500,
    quotaCode: 'L-BB11C6B9',
    resourceType: 'TARGET_GROUP',
    description: 'Target groups per Region',
  },
  servicesPerRegion: { defaultValue: 2000, quotaCode: 'L-620C821E', resourceType: 'SERVICE', description: 'Services per Region' },
  serviceNetworksPerRegion: {
    defaultValue: 50,
    quotaCode: 'L-9CAD07FB',
    resourceType: 'SERVICE_NETWORK',
    description: 'Service networks per Region',
  },
  serviceAssociationsPerServiceNetwork: {
    defaultValue: 500,
    quotaCode: 'L-75D4A19E',
    resourceType: 'SERVICE_NETWORK_SERVICE_ASSOCIATION',
    description: 'Service associations per service network',
  },
  vpcAssociationsPerServiceNetwork: {
    defaultValue: 500,
    quotaCode: 'L-EF6E2D62',
    resourceType: 'SERVICE_NETWORK_VPC_ASSOCIATION',
    description: 'VPC associations per service network',
  },
} as const satisfies Record<string, QuotaDefinition>;

export type QuotaKey = keyof typeof QUOTAS;
export type Quotas = Record<QuotaKey, number>;

export const QUOTA_KEYS = Object.keys(QUOTAS) as QuotaKey[];

export function defaultQuotas(): Quotas {
  return Object.fromEntries(QUOTA_KEYS.map((key) => [key, QUOTAS[key].defaultValue])) as Quotas;
}

/** Throws ServiceQuotaExceededException when `used + adding` would exceed the quota. */
export function enforceQuota(quotas: Quotas, key: QuotaKey, used: number, adding = 1, resourceId?: string): void {
  const limit = quotas[key];
  if (adding <= 0 || used + adding <= limit) return;
  const { quotaCode, resourceType, description } = QUOTAS[key];
  throw new ServiceQuotaExceededError(
    resourceType,
    quotaCode,
    `${description} quota (${quotaCode}) of ${limit} exceeded${resourceId === undefined ? '' : ` for ${resourceId}`}`,
    resourceId,
  );
}
