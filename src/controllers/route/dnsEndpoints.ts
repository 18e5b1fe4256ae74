import { customDomainOf } from '../../model/routeModel';
import type { RouteParent } from '../../gatewayapi/routeParents';
import type { AnyRoute } from '../../gatewayapi/types';
import type { KubeObject, ObjectMap } from '../../metacontroller/types';

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

/**
 * The route's DNSEndpoints as they are (the request's attachments), as an answer that changes
 * none: for a sync that leaves the route to another replica, which alone knows what its last pass
 * answered.
 */
export function keptDnsEndpoints(attachments: ObjectMap): KubeObject[] {
  return Object.values(attachments)
    .flatMap((objects) => Object.values(objects))
    .filter((o) => o.apiVersion === DNS_ENDPOINT_API_VERSION && o.kind === 'DNSEndpoint')
    .map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace ?? '' },
      spec: o.spec,
    }));
}
