import { KEY_PREFIX, OUR_API_GROUP } from '../gatewayapi/ourKeys';
import type { EndpointSlice, Service } from '../gatewayapi/coreTypes';
import type { AwsIdentity } from './identity';
import { TAG } from './tags';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { KubeObject } from '../metacontroller/types';
import { exportTargetGroupName } from './names';
import { applySettings, policyFor, type TargetGroupSettings } from './targetGroupPolicy';
import type { TargetGroupModel, TargetGroupProtocol, TargetGroupProtocolVersion } from './targetGroups';
import { targetsFor } from './targets';

/** Exports are acted on only with this annotation (Go controller compatible). */
export const FEDERATION_ANNOTATION = `${KEY_PREFIX}federation`;
export const FEDERATION_VALUE = 'amazon-vpc-lattice';
/** The exported Service when it is named differently from the export. */
export const SERVICE_NAME_ANNOTATION = `${KEY_PREFIX}service-name`;
/** Legacy list of exported ports: `80,8080` (each as HTTP). */
export const PORT_ANNOTATION = `${KEY_PREFIX}port`;
/** Extra tag of exported target groups: which Service port they carry. */
export const EXPORTED_PORT_TAG = `${KEY_PREFIX}ExportedPort`;
export const SERVICE_EXPORT_SOURCE = 'ServiceExport';
/**
 * Set on an exported target group when its ServiceExport is deleted while other clusters' rules
 * still forward to it: importers stop resolving to it, their routes move their traffic away, and
 * then the exporting cluster can drain and delete it.
 */
export const WITHDRAWN_TAG = `${KEY_PREFIX}Withdrawn`;
/**
 * Set on an exported target group from its creation until every target is registered: importers
 * ignore it meanwhile, so no rule ever forwards to an empty export (a first export, or the
 * replacement a TargetGroupPolicy asked for). The exporting cluster removes it.
 */
export const EXPORT_PENDING_TAG = `${KEY_PREFIX}ExportPending`;

export type ExportRouteType = 'HTTP' | 'GRPC' | 'TLS';

export interface ServiceExport extends KubeObject {
  spec?: { exportedPorts?: { port: number; routeType?: string }[] };
}

export interface ExportedPort {
  port: number;
  routeType: ExportRouteType;
}

export function exportedServiceName(serviceExport: ServiceExport): string {
  return serviceExport.metadata.annotations?.[SERVICE_NAME_ANNOTATION] || serviceExport.metadata.name;
}

const ROUTE_TYPES: readonly string[] = ['HTTP', 'GRPC', 'TLS'];

function portProblem(p: ExportedPort, service: Service | undefined): string | undefined {
  if (!ROUTE_TYPES.includes(p.routeType)) return `port ${p.port}: routeType ${p.routeType} is not HTTP, GRPC or TLS`;
  if (service && !service.spec?.ports?.some((sp) => sp.port === p.port)) return `the Service has no port ${p.port}`;
  return undefined;
}

/** `spec.exportedPorts`, else the legacy port annotation, else every port of the Service, as HTTP. */
export function exportedPorts(serviceExport: ServiceExport, service: Service | undefined): { ports: ExportedPort[]; problems: string[] } {
  const problems: string[] = [];
  let requested: ExportedPort[];
  if (serviceExport.spec?.exportedPorts?.length) {
    requested = serviceExport.spec.exportedPorts.map((p) => ({ port: p.port, routeType: (p.routeType ?? 'HTTP') as ExportRouteType }));
  } else if (serviceExport.metadata.annotations?.[PORT_ANNOTATION]) {
    const raw = serviceExport.metadata.annotations[PORT_ANNOTATION].split(',').map((p) => p.trim());
    for (const p of raw) if (!/^\d+$/.test(p)) problems.push(`${PORT_ANNOTATION}: "${p}" is not a port`);
    requested = raw.filter((p) => /^\d+$/.test(p)).map((p) => ({ port: Number(p), routeType: 'HTTP' }));
  } else {
    requested = (service?.spec?.ports ?? []).map((p) => ({ port: p.port, routeType: 'HTTP' }));
  }
  const ports: ExportedPort[] = [];
  for (const p of requested) {
    const problem = portProblem(p, service);
    if (problem === undefined) ports.push(p);
    else problems.push(problem);
  }
  return { ports, problems };
}

function protocolOf(routeType: ExportRouteType): {
  protocol: TargetGroupProtocol;
  protocolVersion: TargetGroupProtocolVersion | undefined;
} {
  if (routeType === 'GRPC') return { protocol: 'HTTP', protocolVersion: 'GRPC' };
  if (routeType === 'TLS') return { protocol: 'TCP', protocolVersion: undefined };
  return { protocol: 'HTTP', protocolVersion: 'HTTP1' };
}

/**
 * The target groups of an export, one per exported port, tagged so that other clusters find them
 * (SourceTypeKey ServiceExport, ServiceName, ServiceNamespace, ClusterName, ExportedPort; the VPC
 * is in the group's configuration), and created pending (hidden) until their targets are in.
 * A TargetGroupPolicy on the Service or the export applies.
 */
export function exportTargetGroups(
  serviceExport: ServiceExport,
  service: Service,
  ports: readonly ExportedPort[],
  index: ObjectIndex,
  identity: AwsIdentity,
): TargetGroupModel[] {
  const namespace = serviceExport.metadata.namespace ?? '';
  const exportName = serviceExport.metadata.name;
  const settings: TargetGroupSettings | undefined =
    policyFor(index, { group: OUR_API_GROUP, kind: 'ServiceExport', namespace, name: exportName }) ??
    policyFor(index, { group: '', kind: 'Service', namespace, name: service.metadata.name });
  const slices = index.list<EndpointSlice>('discovery.k8s.io', 'EndpointSlice', namespace);
  const family = service.spec?.ipFamilies?.[0] === 'IPv6' ? 'IPv6' : 'IPv4';
  const ipAddressType = family === 'IPv6' ? 'IPV6' : 'IPV4';
  return ports.map((exported) => {
    const { protocol, protocolVersion, healthCheck } = applySettings(protocolOf(exported.routeType), settings);
    return {
      key: `${namespace}/${exportName}:${exported.port}`,
      name: exportTargetGroupName({
        owner: identity.managedBy,
        namespace,
        exportName,
        port: exported.port,
        protocol,
        protocolVersion: protocolVersion ?? '',
        ipAddressType,
      }),
      config: {
        port: exported.port,
        protocol,
        ...(protocolVersion ? { protocolVersion } : {}),
        ipAddressType,
        vpcIdentifier: identity.vpcId,
        healthCheck,
      },
      tags: {
        [TAG.managedBy]: identity.managedBy,
        [TAG.clusterName]: identity.clusterName,
        [TAG.sourceTypeKey]: SERVICE_EXPORT_SOURCE,
        [TAG.serviceName]: exportName,
        [TAG.serviceNamespace]: namespace,
        [TAG.protocolVersion]: protocolVersion ?? '',
        [EXPORTED_PORT_TAG]: String(exported.port),
        [EXPORT_PENDING_TAG]: 'true',
      },
      targets: targetsFor(service, exported.port, slices, family),
    };
  });
}
