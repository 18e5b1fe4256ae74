import { SERVICE_NAME_LABEL, type EndpointSlice, type Service } from '../gatewayapi/coreTypes';

export interface TargetModel {
  id: string;
  /** None for a Lambda function. */
  port?: number;
}

/**
 * Targets of a Service port: the endpoint addresses of the Service's EndpointSlices of one address
 * family, with the port of the slice port named like the Service port. Ready and not-ready
 * endpoints are registered (Lattice health checks decide), terminating ones are not.
 */
export function targetsFor(
  service: Service,
  servicePort: number,
  slices: readonly EndpointSlice[],
  family: 'IPv4' | 'IPv6',
): TargetModel[] {
  const port = service.spec?.ports?.find((p) => p.port === servicePort);
  if (!port) return [];
  const portName = port.name ?? '';
  const targets = new Map<string, TargetModel>();
  for (const slice of slices) {
    if (slice.metadata.labels?.[SERVICE_NAME_LABEL] !== service.metadata.name || slice.metadata.namespace !== service.metadata.namespace)
      continue;
    if (slice.addressType !== family) continue;
    const slicePort = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (slicePort === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.terminating === true) continue;
      for (const address of endpoint.addresses ?? []) targets.set(`${address}:${slicePort}`, { id: address, port: slicePort });
    }
  }
  return [...targets.values()].sort((a, b) => (a.id === b.id ? (a.port ?? 0) - (b.port ?? 0) : a.id < b.id ? -1 : 1));
}
