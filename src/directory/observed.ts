import type { Action, AuthType, ResourceType, Skipped, TargetGroup, VpcAssociation } from './types';

/** What one read of the account saw, before ownership, links and findings are worked out. */
export interface ObservedServiceAssociation {
  id: string;
  serviceId: string;
  status: string;
}

export interface ObservedNetwork {
  id: string;
  arn: string;
  name: string;
  authType: AuthType;
  authPolicy: boolean;
  accessLogDestinations: string[];
  vpcs: VpcAssociation[];
  services: ObservedServiceAssociation[];
  tags: Record<string, string>;
}

export interface ObservedRule {
  id: string;
  name: string;
  priority: number | null;
  isDefault: boolean;
  match: string;
  action: Action;
}

export interface ObservedListener {
  id: string;
  name: string;
  protocol: string;
  port: number;
  defaultAction: Action;
  rules: ObservedRule[];
}

export interface ObservedService {
  id: string;
  arn: string;
  name: string;
  status: string;
  dnsName: string | null;
  customDomainName: string | null;
  certificateArn: string | null;
  authType: AuthType;
  authPolicy: boolean;
  accessLogDestinations: string[];
  listeners: ObservedListener[];
  tags: Record<string, string>;
}

/** A target group as read, before the directory links it to rules and owners. */
export type ObservedTargetGroup = Omit<TargetGroup, 'usedByRules' | 'owner'>;

export interface Observed {
  account: string;
  readAt: Date;
  networks: ObservedNetwork[];
  services: ObservedService[];
  targetGroups: ObservedTargetGroup[];
  skipped: Skipped[];
  calls: number;
}

export type { ResourceType };
