/**
 * The service directory: what `lattice-gw directory --output json` prints and the page shows.
 * docs/directory.schema.json is this shape as a JSON Schema; change both together and bump
 * DIRECTORY_SCHEMA_VERSION when a field changes meaning or goes away.
 */
export const DIRECTORY_SCHEMA_VERSION = 1;

export type Manager = 'lattice-gateway-hooks' | 'aws-gateway-api-controller' | 'gateway-api-controller' | 'none';

/** Who manages a resource, from its tags (and, to tell the two controllers apart, its names). */
export interface Owner {
  manager: Manager;
  /** The ManagedBy tag: `<account>/<cluster>/<vpc>`. */
  managedBy: string | null;
  account: string | null;
  cluster: string | null;
  vpc: string | null;
  /** ManagedBy is the cluster this directory was started for (CLUSTER_NAME/CLUSTER_VPC_ID). */
  thisCluster: boolean;
  /** The Kubernetes object it comes from, e.g. `HTTPRoute store/storefront`. */
  source: string | null;
}

export type AuthType = 'NONE' | 'AWS_IAM';

export interface VpcAssociation {
  id: string;
  vpcId: string;
  status: string;
}

export interface ServiceNetwork {
  id: string;
  arn: string;
  name: string;
  /** Owned by another account and shared with this one (RAM). */
  shared: boolean;
  authType: AuthType;
  authPolicy: boolean;
  accessLogDestinations: string[];
  vpcs: VpcAssociation[];
  serviceIds: string[];
  tags: Record<string, string>;
  owner: Owner;
}

export interface NetworkMembership {
  serviceNetworkId: string;
  serviceNetworkName: string;
  associationId: string;
  status: string;
}

export interface WeightedTarget {
  targetGroupId: string;
  targetGroupName: string | null;
  weight: number;
}

export type Action =
  | { type: 'forward'; targetGroups: WeightedTarget[] }
  | { type: 'fixed-response'; statusCode: number }
  | { type: 'unknown' };

export interface Rule {
  id: string;
  name: string;
  /** null for the listener's default action. */
  priority: number | null;
  isDefault: boolean;
  /** The match in words, e.g. `GET exact /cart, header x-canary=true`. */
  match: string;
  action: Action;
}

export interface Listener {
  id: string;
  name: string;
  protocol: string;
  port: number;
  /** Non-default rules first in priority order, then the default action. */
  rules: Rule[];
}

export interface Service {
  id: string;
  arn: string;
  name: string;
  status: string;
  shared: boolean;
  dnsName: string | null;
  customDomainName: string | null;
  certificateArn: string | null;
  authType: AuthType;
  authPolicy: boolean;
  accessLogDestinations: string[];
  networks: NetworkMembership[];
  listeners: Listener[];
  targetGroupIds: string[];
  /** Worst target health over the target groups its rules use. */
  health: 'healthy' | 'degraded' | 'unhealthy' | 'no-targets';
  tags: Record<string, string>;
  owner: Owner;
}

export interface Target {
  id: string;
  port: number | null;
  status: string;
  reasonCode: string | null;
}

export interface TargetGroup {
  id: string;
  arn: string;
  name: string;
  type: string;
  protocol: string | null;
  port: number | null;
  vpcId: string | null;
  status: string;
  serviceArns: string[];
  /** Some listener or rule of a listed service forwards to it. */
  usedByRules: boolean;
  targets: Target[];
  tags: Record<string, string>;
  owner: Owner;
}

export type Severity = 'info' | 'low' | 'medium' | 'high';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high'];

export type ResourceType = 'service-network' | 'service' | 'listener' | 'target-group';

export interface Finding {
  code: string;
  severity: Severity;
  resourceType: ResourceType;
  resourceId: string;
  resourceName: string;
  reason: string;
}

/** A resource that disappeared while it was being read (deleted mid-read): left out. */
export interface Skipped {
  resourceType: ResourceType;
  id: string;
  reason: string;
}

export interface Summary {
  serviceNetworks: number;
  services: number;
  targetGroups: number;
  targets: number;
  healthyTargets: number;
  servicesByManager: Record<Manager, number>;
  findingsBySeverity: Record<Severity, number>;
}

export interface Directory {
  schemaVersion: typeof DIRECTORY_SCHEMA_VERSION;
  generatedAt: string;
  account: string;
  /** The ManagedBy value of this cluster, when CLUSTER_NAME and CLUSTER_VPC_ID are set. */
  thisCluster: string | null;
  summary: Summary;
  serviceNetworks: ServiceNetwork[];
  services: Service[];
  targetGroups: TargetGroup[];
  findings: Finding[];
  skipped: Skipped[];
  /** AWS calls the read made. */
  awsCalls: number;
}
