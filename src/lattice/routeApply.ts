import type { RuleAction as SdkRuleAction } from '@aws-sdk/client-vpc-lattice';
import type { ListenerModel, ServiceModel } from '../model/routeModel';
import type { RuleAction } from '../model/rules';
import type { TargetGroupModel } from '../model/targetGroups';
import type { LatticeApi } from './api';
import { awsErrorMessage, isConflict, isNotFound, LatticeRefusal, orUndefinedIfNotFound, targetGroupRefusal } from './awsErrors';
import { clientToken } from './clientToken';
import type { PlanOp } from './routePlan';
import type { ObservedRoute } from './routeState';
import { ownershipOf, TAG, tagChanges } from '../model/tags';

/** Who the Lattice resources of one Kubernetes object (a route, an export) belong to. */
export interface LatticeOwner {
  /** ManagedBy of this installation. */
  managedBy: string;
  vpcId: string;
  /** Identity of the object for client tokens: `<managedBy>/<kind>/<uid>`. */
  tokenOwner: string;
  /** Whether a target group (by its tags) is this object's: only those are ever retired. */
  ownsTargetGroup(tags: Readonly<Record<string, string>>): boolean;
}

export interface RouteOwner extends LatticeOwner {
  routeName: string;
  routeNamespace: string;
  routeType: string;
  /** `allow-takeover-from` annotation: a ManagedBy value whose service we may take over. */
  allowTakeoverFrom: string | undefined;
}

/** A route's resources (its service, its target groups) carry its ManagedBy, name and namespace. */
export function routeOwns(owner: { managedBy: string; routeName: string; routeNamespace: string }, tags: Readonly<Record<string, string>>): boolean {
  return ownershipOf(tags, owner.managedBy) === 'ours' && tags[TAG.routeName] === owner.routeName && tags[TAG.routeNamespace] === owner.routeNamespace;
}

export interface ApplyResult {
  service: { arn: string; id: string; dnsName: string | undefined } | undefined;
  /** Our target groups that exist after the apply (wanted, or retiring and not yet gone). */
  targetGroupArns: string[];
  waits: string[];
  /** Set when the service name belongs to another route or owner: nothing else was done. */
  conflict: string | undefined;
}

class ServiceConflict extends Error {}

/** Known ids of the route's resources, seeded from the observation and extended by creates. */
interface Known {
  service: { arn: string; id: string; dnsName: string | undefined } | undefined;
  listeners: Map<number, string>;
  rules: Map<number, Map<string, string>>;
  targetGroups: Map<string, { id: string; arn: string }>;
}

function known(observed: ObservedRoute): Known {
  return {
    service: observed.service ? { arn: observed.service.arn, id: observed.service.id, dnsName: observed.service.dnsName } : undefined,
    listeners: new Map(observed.listeners.map((l) => [l.port, l.id])),
    rules: new Map(observed.listeners.map((l) => [l.port, new Map(l.rules.filter((r) => !r.isDefault).map((r) => [r.name, r.id]))])),
    targetGroups: new Map(observed.targetGroups.map((g) => [g.name, { id: g.id, arn: g.arn }])),
  };
}

export class RouteApplier {
  readonly #api: LatticeApi;
  readonly #owner: LatticeOwner & Partial<RouteOwner>;
  readonly #known: Known;
  readonly #nameOfKey: Map<string, string>;
  readonly #external: Readonly<Record<string, { arn: string; id: string }>>;
  readonly #retained = new Set<string>();
  readonly #gone = new Set<string>();
  readonly #own: ReadonlySet<string>;
  readonly #waits: string[] = [];

  constructor(
    api: LatticeApi,
    owner: LatticeOwner & Partial<RouteOwner>,
    observed: ObservedRoute,
    targetGroups: readonly TargetGroupModel[],
    external: Readonly<Record<string, { arn: string; id: string }>> = {},
    ownTargetGroupArns: ReadonlySet<string> = new Set(),
  ) {
    this.#own = new Set(observed.targetGroups.map((g) => g.arn).filter((arn) => ownTargetGroupArns.has(arn)));
    this.#api = api;
    this.#owner = owner;
    this.#known = known(observed);
    this.#nameOfKey = new Map(targetGroups.map((g) => [g.key, g.name]));
    this.#external = external;
  }

  async apply(ops: readonly PlanOp[]): Promise<ApplyResult> {
    try {
      for (const op of ops) await this.#run(op);
    } catch (error) {
      if (error instanceof ServiceConflict) return { service: undefined, targetGroupArns: this.targetGroupArns(), waits: [], conflict: error.message };
      throw error;
    }
    return { service: this.#known.service, targetGroupArns: this.targetGroupArns(), waits: this.#waits, conflict: undefined };
  }

  /** The route's service as far as the operations run so far know it (also after apply threw). */
  get service(): ApplyResult['service'] {
    return this.#known.service;
  }

  /**
   * Ours after the operations run so far: wanted ones, and every earlier one not confirmed gone (it
   * may still be in use or draining). Also valid after apply threw, so that groups created before
   * the failure are recorded (and found again) instead of leaking.
   */
  targetGroupArns(): string[] {
    const arns = new Set([...this.#retained, ...this.#own]);
    for (const name of this.#nameOfKey.values()) {
      const k = this.#known.targetGroups.get(name);
      if (k) arns.add(k.arn);
    }
    for (const arn of this.#gone) arns.delete(arn);
    return [...arns].sort();
  }

  #serviceId(): string {
    const service = this.#known.service;
    if (!service) throw new Error('no Lattice service to work on');
    return service.id;
  }

  #targetGroupId(name: string): string {
    const group = this.#known.targetGroups.get(name);
    if (!group) throw new Error(`target group ${name} is unknown`);
    return group.id;
  }

  #sdkAction(action: RuleAction): SdkRuleAction {
    if ('fixedResponse' in action) return { fixedResponse: { statusCode: action.fixedResponse } };
    return {
      forward: {
        targetGroups: action.forward.map((f) => ({ targetGroupIdentifier: this.#external[f.key]?.id ?? this.#targetGroupId(this.#nameOfKey.get(f.key) ?? f.key), weight: f.weight })),
      },
    };
  }

  async #run(op: PlanOp): Promise<void> {
    switch (op.kind) {
      case 'createTargetGroup':
        return this.#createTargetGroup(op.targetGroup);
      case 'updateHealthCheck':
        await this.#api.updateTargetGroup({ targetGroupIdentifier: this.#targetGroupId(op.targetGroupName), healthCheck: op.healthCheck });
        return;
      case 'registerTargets': {
        const result = await this.#api.registerTargets(this.#targetGroupId(op.targetGroupName), op.targets);
        for (const failure of result.unsuccessful ?? []) this.#waits.push(`target ${failure.id}:${failure.port} of ${op.targetGroupName} not registered: ${failure.failureMessage ?? failure.failureCode}`);
        return;
      }
      case 'deregisterTargets':
        await this.#api.deregisterTargets(this.#targetGroupId(op.targetGroupName), op.targets);
        return;
      case 'createService':
        return this.#createService(op.service);
      case 'tagService':
        if (this.#known.service) await this.#api.tagResource(this.#known.service.arn, op.tags);
        return;
      case 'updateServiceCertificate':
        await this.#api.updateService({ serviceIdentifier: this.#serviceId(), certificateArn: op.certificateArn });
        return;
      case 'createAssociation':
        return this.#createAssociation(op.serviceNetworkArn);
      case 'deleteAssociation':
        return this.#deleteAssociation(op.associationArn);
      case 'deleteListener':
        return this.#deleteListener(op.port);
      case 'createListener':
        return this.#createListener(op.listener);
      case 'updateListenerDefaultAction':
        await forwarding(this.#api.updateListener({ serviceIdentifier: this.#serviceId(), listenerIdentifier: this.#listenerId(op.port), defaultAction: this.#sdkAction(op.action) }));
        return;
      case 'deleteRule':
        return this.#deleteRule(op.port, op.ruleName);
      case 'createRule':
        return this.#createRule(op.port, op.rule.name, op.rule.match, op.rule.action, op.priority);
      case 'updateRules':
        return this.#updateRules(op.port, op.updates);
      case 'retireTargetGroup':
        return this.#retireTargetGroup(op.targetGroupArn, op.targetGroupName);
      case 'tagTargetGroup':
        await this.#api.tagResource(op.targetGroupArn, op.tags);
        return;
      case 'untagTargetGroup':
        await this.#api.untagResource(op.targetGroupArn, op.tagKeys);
        return;
    }
  }

  #listenerId(port: number): string {
    const id = this.#known.listeners.get(port);
    if (!id) throw new Error(`no listener on port ${port}`);
    return id;
  }

  async #createTargetGroup(tg: TargetGroupModel): Promise<void> {
    const input = { name: tg.name, type: 'IP' as const, config: tg.config, tags: tg.tags };
    try {
      const created = await this.#api.createTargetGroup({ ...input, clientToken: clientToken(this.#owner.tokenOwner, input) });
      if (created.id && created.arn) this.#known.targetGroups.set(tg.name, { id: created.id, arn: created.arn });
    } catch (error) {
      if (!isConflict(error)) throw error;
      // The name exists (created under other parameters, e.g. before a crash): adopt it if it is ours.
      const found = (await this.#api.listTargetGroups(this.#owner.vpcId)).find((g) => g.name === tg.name);
      if (!found?.arn || !found.id || ownershipOf(await this.#api.listTags(found.arn), this.#owner.managedBy) !== 'ours') throw error;
      this.#known.targetGroups.set(tg.name, { id: found.id, arn: found.arn });
    }
  }

  async #createService(service: ServiceModel): Promise<void> {
    const input = {
      name: service.name,
      tags: service.tags,
      ...(service.customDomainName ? { customDomainName: service.customDomainName } : {}),
      ...(service.certificateArn ? { certificateArn: service.certificateArn } : {}),
    };
    try {
      const created = await this.#api.createService({ ...input, clientToken: clientToken(this.#owner.tokenOwner, input) });
      if (created.arn && created.id) this.#known.service = { arn: created.arn, id: created.id, dnsName: created.dnsEntry?.domainName };
      this.#waits.push('the Lattice service is being created');
    } catch (error) {
      if (!isConflict(error)) throw error;
      await this.#adoptService(service);
    }
  }

  /** A service of that name exists: ours for this route → adopt; takeover allowed → retag; else conflict. */
  async #adoptService(service: ServiceModel): Promise<void> {
    const summary = (await this.#api.listServices()).find((s) => s.name === service.name);
    if (!summary?.arn || !summary.id) throw new ServiceConflict(`Lattice service ${service.name} exists but cannot be read`);
    const tags = await this.#api.listTags(summary.arn);
    const owner = tags[TAG.managedBy];
    const sameRoute =
      this.#owner.routeName !== undefined &&
      tags[TAG.routeName] === this.#owner.routeName &&
      tags[TAG.routeNamespace] === this.#owner.routeNamespace &&
      (tags[TAG.routeType] ?? this.#owner.routeType) === this.#owner.routeType;
    const ours = owner === this.#owner.managedBy && sameRoute;
    const takeover = owner !== undefined && owner !== this.#owner.managedBy && owner === this.#owner.allowTakeoverFrom;
    if (!ours && !takeover) {
      const holder = owner === undefined ? 'an untagged service (not managed by any controller)' : owner === this.#owner.managedBy ? `route ${tags[TAG.routeNamespace]}/${tags[TAG.routeName]}` : `owner ${owner}`;
      throw new ServiceConflict(`Lattice service name ${service.name} is already used by ${holder}; set the service-name-override annotation${owner && owner !== this.#owner.managedBy ? ', or allow-takeover-from' : ''}`);
    }
    const changes = tagChanges(tags, service.tags);
    if (Object.keys(changes).length > 0) await this.#api.tagResource(summary.arn, changes);
    const full = await this.#api.getService(summary.arn);
    this.#known.service = { arn: summary.arn, id: summary.id, dnsName: full.dnsEntry?.domainName };
    if (full.status !== 'ACTIVE') this.#waits.push(`the Lattice service is ${full.status}`);
  }

  async #createAssociation(serviceNetworkArn: string): Promise<void> {
    const serviceIdentifier = this.#serviceId();
    const input = { serviceIdentifier, serviceNetworkIdentifier: serviceNetworkArn, tags: { [TAG.managedBy]: this.#owner.managedBy } };
    try {
      await this.#api.createServiceNetworkServiceAssociation({ ...input, clientToken: clientToken(this.#owner.tokenOwner, input) });
    } catch (error) {
      if (!isConflict(error)) throw error;
      this.#waits.push(`association with ${serviceNetworkArn} not possible yet: ${awsErrorMessage(error)}`);
    }
  }

  async #deleteAssociation(associationArn: string): Promise<void> {
    if (ownershipOf(await this.#api.listTags(associationArn), this.#owner.managedBy) !== 'ours') return;
    try {
      await this.#api.deleteServiceNetworkServiceAssociation(associationArn);
    } catch (error) {
      if (isNotFound(error)) return;
      if (!isConflict(error)) throw error;
      this.#waits.push(`association ${associationArn} cannot be deleted yet`);
    }
  }

  async #deleteListener(port: number): Promise<void> {
    const id = this.#known.listeners.get(port);
    if (!id) return;
    await orUndefinedIfNotFound(this.#api.deleteListener(this.#serviceId(), id));
    this.#known.listeners.delete(port);
    this.#known.rules.delete(port);
  }

  async #createListener(listener: ListenerModel): Promise<void> {
    const input = {
      serviceIdentifier: this.#serviceId(),
      name: listener.name,
      protocol: listener.protocol,
      port: listener.port,
      defaultAction: this.#sdkAction(listener.defaultAction),
      tags: { [TAG.managedBy]: this.#owner.managedBy },
    };
    const created = await forwarding(this.#api.createListener({ ...input, clientToken: clientToken(this.#owner.tokenOwner, input) }));
    if (created.id) {
      this.#known.listeners.set(listener.port, created.id);
      this.#known.rules.set(listener.port, new Map());
    }
  }

  async #deleteRule(port: number, name: string): Promise<void> {
    const rules = this.#known.rules.get(port);
    const id = rules?.get(name);
    if (!id) return;
    await orUndefinedIfNotFound(this.#api.deleteRule(this.#serviceId(), this.#listenerId(port), id));
    rules?.delete(name);
  }

  async #createRule(port: number, name: string, match: NonNullable<Parameters<LatticeApi['createRule']>[0]['match']>['httpMatch'], action: RuleAction, priority: number): Promise<void> {
    const input = {
      serviceIdentifier: this.#serviceId(),
      listenerIdentifier: this.#listenerId(port),
      name,
      match: { httpMatch: match ?? {} },
      priority,
      action: this.#sdkAction(action),
      tags: { [TAG.managedBy]: this.#owner.managedBy },
    };
    const created = await forwarding(this.#api.createRule({ ...input, clientToken: clientToken(this.#owner.tokenOwner, input) }));
    if (created.id) this.#known.rules.get(port)?.set(name, created.id);
  }

  async #updateRules(port: number, updates: readonly { ruleName: string; priority?: number; action?: RuleAction }[]): Promise<void> {
    const rules = this.#known.rules.get(port);
    const result = await forwarding(this.#api.batchUpdateRule({
      serviceIdentifier: this.#serviceId(),
      listenerIdentifier: this.#listenerId(port),
      rules: updates.map((u) => ({
        ruleIdentifier: rules?.get(u.ruleName) ?? u.ruleName,
        ...(u.priority !== undefined ? { priority: u.priority } : {}),
        ...(u.action !== undefined ? { action: this.#sdkAction(u.action) } : {}),
      })),
    }));
    const failed = result.unsuccessful ?? [];
    // Partial failure is no HTTP error: report it, and let the next pass plan the rest again.
    if (failed.length > 0) throw new LatticeRefusal('RulesNotUpdated', `rules not updated: ${failed.map((f) => `${f.ruleIdentifier}: ${f.failureMessage ?? f.failureCode}`).join('; ')}`);
  }

  /** Deregisters, waits for draining to end (across syncs), then deletes a target group of ours. */
  async #retireTargetGroup(arn: string, name: string): Promise<void> {
    if (!this.#owner.ownsTargetGroup(await this.#api.listTags(arn))) return;
    const outcome = await retireTargetGroup(this.#api, arn);
    if (outcome.gone) this.#gone.add(arn);
    else {
      this.#retained.add(arn);
      this.#waits.push(`target group ${name}: ${outcome.message}`);
    }
  }
}

/** A rule or listener write; Lattice refusing a target group it names becomes a LatticeRefusal. */
async function forwarding<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw targetGroupRefusal(error) ?? error;
  }
}

/**
 * One step of removing a target group: deregister what is registered, wait while targets drain,
 * then delete, then wait until it is gone. `gone` once Lattice no longer has it.
 */
export async function retireTargetGroup(api: LatticeApi, arn: string): Promise<{ gone: boolean; message: string }> {
  const group = await orUndefinedIfNotFound(api.getTargetGroup(arn));
  if (!group) return { gone: true, message: 'deleted' };
  if (group.status === 'DELETE_IN_PROGRESS') return { gone: false, message: 'being deleted' };
  const targets = group.status === 'ACTIVE' ? await api.listTargets(arn) : [];
  const registered = targets.filter((t) => t.status !== 'DRAINING' && t.id).map((t) => ({ id: t.id as string, port: t.port }));
  for (let i = 0; i < registered.length; i += 100) await api.deregisterTargets(arn, registered.slice(i, i + 100));
  if (targets.length > 0) return { gone: false, message: `${targets.length} targets draining` };
  try {
    await api.deleteTargetGroup(arn);
  } catch (error) {
    if (isNotFound(error)) return { gone: true, message: 'deleted' };
    if (isConflict(error)) return { gone: false, message: `not deletable yet: ${awsErrorMessage(error)}` };
    throw error;
  }
  return { gone: false, message: 'being deleted' };
}
