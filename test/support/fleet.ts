import { join } from 'node:path';
import { PROGRAMMED_CONDITION } from '../../src/gatewayapi/ourKeys';
import type { KubeObject } from '../../src/metacontroller/types';
import { loadExampleManifests } from '../../demo/manifests';
import type { FakeCluster } from '../../tools/metacontroller/cluster';
import { refOf } from '../../tools/metacontroller/refs';
import type { EmulatorState, StateEntry } from '../../tools/emulatorAdmin';
import { endpointSlice, httpRoute, service } from './routeFixtures';

const ROOT = join(__dirname, '..', '..');
export const FLEET_NAMESPACE = 'fleet';

/**
 * The demo's namespaces, GatewayClass, ServiceNetwork, Gateway and VpcAssociationPolicy, and
 * `routes` HTTPRoutes on that Gateway, each to its own Service of two endpoints: in the order a
 * team would apply them.
 */
export function fleetObjects(routes: number): KubeObject[] {
  const infrastructure = loadExampleManifests(ROOT)
    .filter((file) => !/backends|routes/.test(file.file))
    .flatMap((file) => file.objects);
  const objects: KubeObject[] = [...infrastructure, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLEET_NAMESPACE } }];
  for (let i = 0; i < routes; i++) {
    objects.push(
      service(FLEET_NAMESPACE, `app-${i}`),
      endpointSlice(FLEET_NAMESPACE, `app-${i}`, [`10.2.${i % 250}.10`, `10.2.${i % 250}.11`]),
    );
  }
  for (let i = 0; i < routes; i++) {
    objects.push(
      httpRoute(FLEET_NAMESPACE, `app-${i}`, {
        parentRefs: [{ name: 'demo-network', namespace: 'infra' }],
        rules: [{ backendRefs: [{ name: `app-${i}`, port: 80 }] }],
      }),
    );
  }
  return objects;
}

interface Condition {
  type?: string;
  status?: string;
}

/** Every parent of the route says Accepted and Programmed. */
export function routeConverged(route: KubeObject | undefined): boolean {
  const parents = (route?.status as { parents?: { conditions?: Condition[] }[] } | undefined)?.parents ?? [];
  const holds = (conditions: Condition[], type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  return (
    parents.length > 0 && parents.every((p) => holds(p.conditions ?? [], 'Accepted') && holds(p.conditions ?? [], PROGRAMMED_CONDITION))
  );
}

export function allConverged(cluster: FakeCluster, objects: readonly KubeObject[]): boolean {
  return objects.filter((o) => o.kind === 'HTTPRoute').every((route) => routeConverged(cluster.get(refOf(route))));
}

export function allDeleted(cluster: FakeCluster, objects: readonly KubeObject[]): boolean {
  return objects.every((o) => cluster.get(refOf(o)) === undefined);
}

/** What makes two Lattice resources of a kind the same one (Lattice refuses a second create of it). */
function identity(kind: string, entry: StateEntry): string {
  const field = (name: string) => (typeof entry[name] === 'string' || typeof entry[name] === 'number' ? String(entry[name]) : '');
  switch (kind) {
    case 'listeners':
      return `${field('serviceId')}:${field('port')}`;
    case 'rules':
      return `${field('listenerId')}:${field('name')}`;
    case 'serviceNetworkServiceAssociations':
      return `${field('serviceNetworkId')}:${field('serviceId')}`;
    case 'serviceNetworkVpcAssociations':
      return `${field('serviceNetworkId')}:${field('vpcId')}`;
    default:
      return field('name') || field('id') || field('resourceArn');
  }
}

/** Resources that exist twice (by name, or by what they join), as `kind identity` lines. */
export function duplicates(state: EmulatorState): string[] {
  const found: string[] = [];
  for (const [kind, entries] of Object.entries(state) as [string, StateEntry[] | undefined][]) {
    const seen = new Set<string>();
    for (const entry of entries ?? []) {
      const key = identity(kind, entry);
      if (seen.has(key)) found.push(`${kind} ${key}`);
      seen.add(key);
    }
  }
  return found;
}

/** How many resources of each kind the emulator holds (kinds with none left out). */
export function held(state: EmulatorState): Record<string, number> {
  return Object.fromEntries(
    Object.entries(state)
      .filter(([, entries]) => Array.isArray(entries) && entries.length > 0)
      .map(([kind, entries]) => [kind, (entries as unknown[]).length]),
  );
}

/** What `held` shows once a fleet of `routes` converged: one network and VPC association, one of each per route. */
export function heldByConvergedFleet(routes: number): Record<string, number> {
  return {
    serviceNetworks: 1,
    serviceNetworkVpcAssociations: 1,
    services: routes,
    listeners: routes,
    // Each listener's default rule and the route's one rule.
    rules: 2 * routes,
    targetGroups: routes,
    serviceNetworkServiceAssociations: routes,
  };
}
