import type { RouteParent } from '../gatewayapi/routeParents';
import type { AnyRoute } from '../gatewayapi/types';

export interface CustomDomain {
  /** The service's custom domain: an exact hostname, lower-case. */
  domain: string | undefined;
  /** The route's hostnames not used as the custom domain (said in the Accepted message). */
  ignored: string[];
  /** The route has hostnames, but every name it has on its listeners is a wildcard: Lattice has no exact name to serve. */
  wildcardsOnly: string[] | undefined;
}

const isWildcard = (hostname: string) => hostname.startsWith('*');

/**
 * The names the route serves on the listeners that accept it: the intersection of each listener's
 * hostname with the route's hostnames (Gateway API hostname matching), in the route's order. A
 * listener `abc.example.com` turns a route hostname `*.example.com` into `abc.example.com`. Without
 * accepted listeners (or parents), the route's own hostnames.
 */
function servedHostnames(route: AnyRoute, parents: readonly RouteParent[]): string[] {
  const own = (route.spec?.hostnames ?? []).map((h) => h.toLowerCase());
  const accepted = parents.filter((p) => p.attachment.reason === 'Accepted');
  if (accepted.length === 0) return own;
  const served: string[] = [];
  for (const parent of accepted) {
    for (const listener of parent.attachment.listeners) {
      for (const name of listener.hostnames.length > 0 ? listener.hostnames : own) {
        const hostname = name.toLowerCase();
        if (!served.includes(hostname)) served.push(hostname);
      }
    }
  }
  return served;
}

/**
 * The custom domain of the route's service: the first exact name the route serves (Lattice has
 * one custom domain per service, and no wildcard ones). A route without hostnames has none.
 */
export function customDomainOf(route: AnyRoute, parents: readonly RouteParent[] = []): CustomDomain {
  const own = route.spec?.hostnames ?? [];
  if (own.length === 0) return { domain: undefined, ignored: [], wildcardsOnly: undefined };
  const served = servedHostnames(route, parents);
  const domain = served.find((h) => !isWildcard(h));
  return {
    domain,
    ignored: own.filter((h) => h.toLowerCase() !== domain),
    wildcardsOnly: domain === undefined ? served : undefined,
  };
}
