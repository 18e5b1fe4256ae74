import { customDomainOf } from '../../model/routeModel';
import type { RouteParent } from '../../gatewayapi/routeParents';
import type { AnyRoute } from '../../gatewayapi/types';
import type { KubeObject } from '../../metacontroller/types';

export const DNS_ENDPOINT_API_VERSION = 'externaldns.k8s.io/v1alpha1';
const DNS_TTL_SECONDS = 300;

/**
 * The external-dns record of a route: a CNAME from its custom domain to the Lattice service's DNS
 * name. Returned while the service exists, also when this sync failed: the record must not go
 * while the service still answers.
 */
export function dnsEndpoints(route: AnyRoute, serviceDnsName: string | undefined, parents: readonly RouteParent[] = []): KubeObject[] {
  const domain = customDomainOf(route, parents).domain;
  if (!domain || !serviceDnsName) return [];
  return [
    {
      apiVersion: DNS_ENDPOINT_API_VERSION,
      kind: 'DNSEndpoint',
      metadata: { name: `${route.metadata.name}-dns`, namespace: route.metadata.namespace ?? '' },
      spec: { endpoints: [{ dnsName: domain, recordType: 'CNAME', recordTTL: DNS_TTL_SECONDS, targets: [serviceDnsName] }] },
    },
  ];
}
