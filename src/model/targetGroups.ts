import type { HealthCheckConfig, TargetGroupConfig } from '@aws-sdk/client-vpc-lattice';
import type { ServiceBackend } from './backends';
import { TAG } from './tags';
import { targetGroupName } from './names';
import type { TargetModel } from './targets';

export type TargetGroupProtocol = 'HTTP' | 'HTTPS' | 'TCP';
export type TargetGroupProtocolVersion = 'HTTP1' | 'HTTP2' | 'GRPC';

export interface TargetGroupModel {
  /** `<namespace>/<service>:<port>` within the route. */
  key: string;
  name: string;
  config: TargetGroupConfig;
  tags: Record<string, string>;
  targets: TargetModel[];
}

/**
 * Default health checks, as the Go controller sets them: on for HTTP/1 (and
 * HTTPS), off for HTTP/2 and gRPC (Lattice cannot health-check those) and for TCP.
 */
export function defaultHealthCheck(protocol: TargetGroupProtocol, protocolVersion: TargetGroupProtocolVersion | undefined): HealthCheckConfig {
  if (protocol === 'TCP') return { enabled: false };
  const base: HealthCheckConfig = {
    enabled: true,
    healthCheckIntervalSeconds: 30,
    healthCheckTimeoutSeconds: 5,
    healthyThresholdCount: 5,
    unhealthyThresholdCount: 2,
    matcher: { httpCode: '200' },
    path: '/',
    protocol: 'HTTP',
    protocolVersion: 'HTTP1',
  };
  return protocolVersion === 'HTTP2' || protocolVersion === 'GRPC' ? { ...base, enabled: false } : base;
}

export interface TargetGroupInput {
  owner: string;
  vpcId: string;
  clusterName: string;
  routeKind: string;
  routeType: string;
  routeNamespace: string;
  routeName: string;
  backend: ServiceBackend;
  protocol: TargetGroupProtocol;
  protocolVersion: TargetGroupProtocolVersion | undefined;
  healthCheck: HealthCheckConfig;
  targets: TargetModel[];
}

export function targetGroupModel(input: TargetGroupInput): TargetGroupModel {
  const { backend } = input;
  const ipAddressType = backend.ipFamily === 'IPv6' ? 'IPV6' : 'IPV4';
  const name = targetGroupName({
    owner: input.owner,
    routeKind: input.routeKind,
    routeNamespace: input.routeNamespace,
    routeName: input.routeName,
    serviceNamespace: backend.service.metadata.namespace ?? '',
    serviceName: backend.service.metadata.name,
    port: backend.port,
    protocol: input.protocol,
    protocolVersion: input.protocolVersion ?? '',
    ipAddressType,
  });
  return {
    key: backend.key,
    name,
    config: {
      port: backend.port,
      protocol: input.protocol,
      ...(input.protocolVersion ? { protocolVersion: input.protocolVersion } : {}),
      ipAddressType,
      vpcIdentifier: input.vpcId,
      healthCheck: input.healthCheck,
    },
    tags: {
      [TAG.managedBy]: input.owner,
      [TAG.clusterName]: input.clusterName,
      [TAG.sourceTypeKey]: input.routeKind,
      [TAG.serviceName]: backend.service.metadata.name,
      [TAG.serviceNamespace]: backend.service.metadata.namespace ?? '',
      [TAG.routeName]: input.routeName,
      [TAG.routeNamespace]: input.routeNamespace,
      [TAG.routeType]: input.routeType,
      [TAG.protocolVersion]: input.protocolVersion ?? '',
    },
    targets: input.targets,
  };
}
