import type { LatticeListenerProtocol } from '../gatewayapi/listeners';
import type { RouteParent } from '../gatewayapi/routeParents';
import { listenerName } from './names';
import type { RouteKindAdapter } from './routeKinds';
import type { RuleAction } from './rules';

/** The Lattice listeners of a route's service, from the Gateway listeners it is attached to. */

export interface ListenerModel {
  name: string;
  port: number;
  protocol: LatticeListenerProtocol;
  defaultAction: RuleAction;
}

/** TLS passthrough is routed by the service's custom domain: a route whose names are all wildcards cannot be served. */
export function passthroughDomainProblem(adapter: RouteKindAdapter, wildcardsOnly: readonly string[] | undefined): string | undefined {
  if (adapter.mode !== 'defaultAction' || wildcardsOnly === undefined) return undefined;
  return `VPC Lattice routes TLS passthrough by the service's custom domain, an exact hostname: the names this route has on its listeners (${wildcardsOnly.join(', ')}) are all wildcards; give the route or the listener an exact hostname`;
}

/** Whether the route serves HTTPS, and the certificate a Gateway listener names for it. */
export function httpsCertificateOf(parents: readonly RouteParent[]): { https: boolean; certificateArn: string | undefined } {
  let https = false;
  for (const parent of parents) {
    if (parent.attachment.reason !== 'Accepted') continue;
    for (const { analysis } of parent.attachment.listeners) {
      if (analysis.latticeProtocol !== 'HTTPS' || !analysis.usable) continue;
      https = true;
      if (analysis.certificateArn) return { https, certificateArn: analysis.certificateArn };
    }
  }
  return { https, certificateArn: undefined };
}

export function listenersOf(
  parents: readonly RouteParent[],
  maxListeners: number,
  passthroughAction: RuleAction | undefined,
  notes: string[],
): ListenerModel[] {
  const byPort = new Map<number, ListenerModel>();
  for (const parent of parents) {
    for (const { analysis } of parent.attachment.listeners) {
      const protocol = analysis.latticeProtocol;
      if (!analysis.usable || protocol === undefined) continue;
      const port = analysis.listener.port;
      const existing = byPort.get(port);
      if (existing && existing.protocol !== protocol) {
        notes.push(`port ${port} is both ${existing.protocol} and ${protocol} on the parent Gateways; ${existing.protocol} is used`);
        continue;
      }
      if (protocol === 'TLS_PASSTHROUGH') {
        // A passthrough listener forwards everything to the route's one rule; it cannot answer a fixed status.
        if (!passthroughAction || !('forward' in passthroughAction)) {
          if (!notes.some((n) => n.startsWith('the TLS passthrough listener')))
            notes.push('the TLS passthrough listener needs at least one valid backend');
          continue;
        }
        byPort.set(port, { name: listenerName(protocol, port), port, protocol, defaultAction: passthroughAction });
        continue;
      }
      byPort.set(port, { name: listenerName(protocol, port), port, protocol, defaultAction: { fixedResponse: 404 } });
    }
  }
  const listeners = [...byPort.values()].sort((a, b) => a.port - b.port);
  if (listeners.length > maxListeners) {
    notes.push(
      `only ${maxListeners} Lattice listeners per service (the quota): ports ${listeners
        .slice(maxListeners)
        .map((l) => l.port)
        .join(', ')} are not programmed`,
    );
  }
  return listeners.slice(0, maxListeners);
}
