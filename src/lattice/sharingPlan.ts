import type { RouteModel } from '../model/routeModel';
import type { ObservedRoute } from './routeState';

/**
 * How a route shares its service with the other routes of its hostname group (model/hostnameGroup):
 * it plans only the rules it owns, around the priorities the others' rules hold; a follower
 * plans nothing of the service, its associations or listeners, which are the leader's.
 */
export interface Sharing {
  follower: boolean;
  ownsRule(name: string): boolean;
}

/** A follower's view of the leader's service: nothing to change, only whether it serves yet. */
export function sharedServiceWaits(desired: RouteModel, observed: ObservedRoute, waits: string[]): void {
  const service = observed.service;
  if (!service) {
    waits.push('the shared Lattice service is not there yet');
    return;
  }
  if (service.status !== 'ACTIVE') waits.push(`the shared Lattice service is ${service.status}`);
  for (const network of desired.networks) {
    const association = observed.associations.find((a) => a.serviceNetworkArn === network && a.status !== 'DELETE_IN_PROGRESS');
    if (association?.status !== 'ACTIVE')
      waits.push(`the shared Lattice service's association with ${network} is ${association?.status ?? 'not there yet'}`);
  }
}
