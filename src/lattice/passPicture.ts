import type { HttpMatch, RuleAction as SdkRuleAction } from '@aws-sdk/client-vpc-lattice';
import type { ServiceModel } from '../model/routeModel';
import type { TargetModel } from '../model/targets';
import type { PlanOp } from './routePlan';
import type { ObservedAssociation, ObservedRoute } from './routeState';
import type { KnownService } from './serviceApply';
import type { ObservedTargetGroup } from './targetGroupState';

/**
 * What Lattice holds after a pass, as far as the pass knows: what it observed, with what its own
 * writes created. The next pass of the same route (same inputs, within minutes: see
 * ConvergingPasses) starts from it and re-reads only what was still in transition (see
 * refreshPicture), instead of observing everything again.
 *
 * Only the writes that build a route are pictured (creating its target groups, targets, service,
 * listeners, rules and associations). Any other write, and anything the pass did not fully see (a
 * name adopted, targets refused, a wait on a conflict, an error), spoils the picture: the next pass
 * observes in full.
 *
 * The writes a pass pictures: those that build a route.
 */
export const PICTURED_WRITES: ReadonlySet<PlanOp['kind']> = new Set([
  'createTargetGroup',
  'registerTargets',
  'createService',
  'createListener',
  'createRule',
  'createAssociation',
]);

export class TargetGroupPicture {
  #groups: Map<string, ObservedTargetGroup> | undefined;

  constructor(observed: readonly ObservedTargetGroup[]) {
    this.#groups = new Map(observed.map((g) => [g.name, { ...g, ...(g.targets ? { targets: [...g.targets] } : {}) }]));
  }

  created(group: Omit<ObservedTargetGroup, 'serviceArns' | 'targets'>): void {
    this.#groups?.set(group.name, { ...group, serviceArns: [], targets: [] });
  }

  registered(name: string, targets: readonly TargetModel[]): void {
    const group = this.#groups?.get(name);
    if (!group?.targets) return this.spoil();
    for (const t of targets) group.targets.push({ id: t.id, ...(t.port !== undefined ? { port: t.port } : {}), status: 'INITIAL' });
  }

  spoil(): void {
    this.#groups = undefined;
  }

  get groups(): ObservedTargetGroup[] | undefined {
    return this.#groups && [...this.#groups.values()];
  }
}

export class RoutePicture {
  #route: Omit<ObservedRoute, 'targetGroups'> | undefined;
  /** Kept up to date by the route's TargetGroupApplier. */
  readonly targetGroups: TargetGroupPicture;

  constructor(observed: ObservedRoute) {
    const { targetGroups, ...rest } = observed;
    this.targetGroups = new TargetGroupPicture(targetGroups);
    this.#route = {
      ...rest,
      listeners: observed.listeners.map((l) => ({ ...l, rules: [...l.rules] })),
      associations: [...observed.associations],
    };
  }

  /** `created`: what CreateService answered (none: not pictured); `model`: what it asked for. */
  serviceCreated(created: KnownService | undefined, model: ServiceModel): void {
    if (!created) return this.spoil();
    const { arn, id, dnsName, status } = created;
    const { name, customDomainName, certificateArn, tags } = model;
    if (this.#route) this.#route.service = { arn, id, name, status: status ?? 'ACTIVE', dnsName, customDomainName, certificateArn, tags };
  }

  listenerCreated(
    created: { id?: string; arn?: string },
    input: { name: string; port: number; protocol: string; defaultAction: SdkRuleAction },
  ): void {
    const { name, port, protocol, defaultAction } = input;
    if (!created.id || !created.arn) return this.spoil();
    // Observation reads the default action of TLS passthrough listeners only (see observeListeners).
    const observedAction = protocol === 'TLS_PASSTHROUGH' ? defaultAction : undefined;
    this.#route?.listeners.push({ id: created.id, arn: created.arn, name, port, protocol, rules: [], defaultAction: observedAction });
  }

  ruleCreated(
    created: { id?: string },
    input: { name: string; priority: number; match: { httpMatch?: HttpMatch }; action: SdkRuleAction },
    port: number,
  ): void {
    const listener = this.#route?.listeners.find((l) => l.port === port);
    if (!listener || !created.id) return this.spoil();
    const { name, priority, match, action } = input;
    listener.rules.push({ id: created.id, name, priority, isDefault: false, match: match.httpMatch, action });
  }

  /** `created`: none when the association was not created (a conflict to wait for, a domain held elsewhere). */
  associationCreated(created: ObservedAssociation | undefined): void {
    if (!created) return this.spoil();
    this.#route?.associations.push(created);
  }

  spoil(): void {
    this.#route = undefined;
  }

  /** The whole picture (undefined once a part of it is spoiled). */
  get observed(): ObservedRoute | undefined {
    const groups = this.targetGroups.groups;
    return this.#route && groups ? { ...this.#route, targetGroups: groups } : undefined;
  }
}
