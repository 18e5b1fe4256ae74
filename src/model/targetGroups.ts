import type { HealthCheckConfig, TargetGroupConfig } from '@aws-sdk/client-vpc-lattice';
import type { LambdaBackend, ServiceBackend } from './backends';
import { TAG } from './tags';
import { targetGroupName } from './names';
import type { TargetModel } from './targets';

export type TargetGroupProtocol = 'HTTP' | 'HTTPS' | 'TCP';
export type TargetGroupProtocolVersion = 'HTTP1' | 'HTTP2' | 'GRPC';

export type TargetGroupType = 'IP' | 'LAMBDA';

export interface TargetGroupModel {
  /** `<namespace>/<service>:<port>` (or `lambda:<namespace>/<name>`) within the route. */
  key: string;
  name: string;
  /** Absent: IP. */
  type?: TargetGroupType;
  /** LAMBDA groups whose function exists: the function Lattice must be allowed to invoke from this group. */
  lambda?: { functionArn: string };
  config: TargetGroupConfig;
  tags: Record<string, string>;
  targets: TargetModel[];
}

/**
 * Default health checks, as the Go controller sets them: on for HTTP/1 (and
 * HTTPS), off for HTTP/2 and gRPC (Lattice cannot health-check those) and for TCP.
 */
export function defaultHealthCheck(
  protocol: TargetGroupProtocol,
  protocolVersion: TargetGroupProtocolVersion | undefined,
): HealthCheckConfig {
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
    type: 'IP',
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

export interface LambdaTargetGroupInput {
  owner: string;
  clusterName: string;
  routeKind: string;
  routeType: string;
  routeNamespace: string;
  routeName: string;
  backend: LambdaBackend;
}

/**
 * The LAMBDA target group of one (route, LambdaTarget): only the event structure version in its
 * config (Lattice refuses port, protocol, VPC and health check for Lambda), the function as its
 * one target — none while the function is missing, so that share of requests fails. The name
 * hashes the function ARN: another function is another group, and the old one is retired.
 */
export function lambdaTargetGroupModel(input: LambdaTargetGroupInput): TargetGroupModel {
  const { backend } = input;
  const name = targetGroupName({
    owner: input.owner,
    routeKind: input.routeKind,
    routeNamespace: input.routeNamespace,
    routeName: input.routeName,
    serviceNamespace: backend.namespace,
    serviceName: backend.name,
    port: 'lambda',
    protocol: 'LAMBDA',
    protocolVersion: backend.eventStructureVersion,
    ipAddressType: '',
    functionArn: backend.functionArn,
  });
  return {
    key: backend.key,
    name,
    type: 'LAMBDA',
    ...(backend.missing ? {} : { lambda: { functionArn: backend.functionArn } }),
    config: { lambdaEventStructureVersion: backend.eventStructureVersion },
    tags: {
      [TAG.managedBy]: input.owner,
      [TAG.clusterName]: input.clusterName,
      [TAG.sourceTypeKey]: input.routeKind,
      [TAG.serviceName]: backend.name,
      [TAG.serviceNamespace]: backend.namespace,
      [TAG.routeName]: input.routeName,
      [TAG.routeNamespace]: input.routeNamespace,
      [TAG.routeType]: input.routeType,
      [TAG.protocolVersion]: '',
    },
    targets: backend.missing ? [] : [{ id: backend.functionArn }],
  };
}
