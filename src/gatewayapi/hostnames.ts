/**
 * Hostname intersection between a listener hostname and route hostnames (Gateway API
 * "hostnames" concept): wildcards only as a leading `*.` label, which matches one or more labels.
 */

function isWildcard(hostname: string): boolean {
  return hostname.startsWith('*.');
}

/** `a.b.example.com` is covered by `*.example.com`; `example.com` is not. */
function wildcardCovers(wildcard: string, hostname: string): boolean {
  const suffix = wildcard.slice(1); // ".example.com"
  return hostname.length > suffix.length && hostname.endsWith(suffix);
}

/** The intersection of two hostnames (undefined = none); `*`/unset stands for any hostname. */
export function intersectHostname(a: string, b: string): string | undefined {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === '*' || x === '') return y;
  if (y === '*' || y === '') return x;
  if (!isWildcard(x) && !isWildcard(y)) return x === y ? x : undefined;
  if (isWildcard(x) && !isWildcard(y)) return wildcardCovers(x, y) ? y : undefined;
  if (!isWildcard(x) && isWildcard(y)) return wildcardCovers(y, x) ? x : undefined;
  // Both wildcards: the more specific one, when one's suffix ends with the other's.
  if (x === y) return x;
  if (wildcardCovers(x, y.slice(2))) return y;
  if (wildcardCovers(y, x.slice(2))) return x;
  return undefined;
}

export interface HostnameMatch {
  /** False when both sides name hostnames and none intersects. */
  matches: boolean;
  /** The hostnames traffic may use on this listener; empty means any hostname. */
  hostnames: string[];
}

/** Route hostnames that do not intersect the listener are ignored for that listener. */
export function matchListenerHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[] | undefined): HostnameMatch {
  const routes = routeHostnames ?? [];
  if (!listenerHostname) return { matches: true, hostnames: [...routes] };
  if (routes.length === 0) return { matches: true, hostnames: [listenerHostname.toLowerCase()] };
  const hostnames: string[] = [];
  for (const hostname of routes) {
    const intersection = intersectHostname(listenerHostname, hostname);
    if (intersection !== undefined && !hostnames.includes(intersection)) hostnames.push(intersection);
  }
  return { matches: hostnames.length > 0, hostnames };
}
