import type { HttpMatch, RuleAction as SdkRuleAction } from '@aws-sdk/client-vpc-lattice';
import type { ServiceModel } from '../model/routeModel';
import type { ListenerModel } from '../model/routeListeners';
import type { RuleAction } from '../model/rules';
import type { TargetGroupModel } from '../model/targetGroups';
import { TAG } from '../model/tags';
import type { LatticeApi } from './api';
import type { LambdaApi } from './lambdaApi';
import { isServiceGone, LatticeRefusal, orUndefinedIfNotFound, ruleWriteError, Unobserved } from './awsErrors';
import { createFresh, isAlive } from './freshCreate';
import type { RouteOwner } from './ownership';
import type { PlanOp, RouteOp, RuleUpdate } from './routePlan';
import type { ObservedRoute } from './routeState';
import { PICTURED_WRITES, RoutePicture } from './passPicture';
import { associateService, createService, dissociateService, type KnownService, ServiceConflict } from './serviceApply';
import { TargetGroupApplier } from './targetGroupApply';
import { isTargetGroupOp } from './targetGroupPlan';

/** What one apply left, also when it stopped early: a failure still records what it created. */
export interface ApplyResult {
  service: KnownService | undefined;
  /** Our target groups that exist after the apply (wanted, or retiring and not yet gone). */
  targetGroupArns: string[];
  waits: string[];
  /** Set when the service name belongs to another route or owner: nothing else was done. */
  conflict: string | undefined;
  /** Networks the service cannot join because another service there has its custom domain. */
  domainConflicts: string[];
  /** The error that stopped the apply; the operations before it took effect. */
  error?: unknown;
  /** What Lattice holds now, as far as this pass knows it (see passPicture); absent when it does not. */
  picture?: ObservedRoute;
  /** The route's service, when this pass (or its chain: see createdEarlier) created it. */
  createdServiceId?: string | undefined;
}

/** Known ids of the route's resources, seeded from the observation and extended by creates. */
interface Known {
  service: KnownService | undefined;
  listeners: Map<number, string>;
  rules: Map<number, Map<string, string>>;
}

function known(observed: ObservedRoute): Known {
  return {
    service: observed.service ? { arn: observed.service.arn, id: observed.service.id, dnsName: observed.service.dnsName } : undefined,
    listeners: new Map(observed.listeners.map((l) => [l.port, l.id])),
    rules: new Map(observed.listeners.map((l) => [l.port, new Map(l.rules.filter((r) => !r.isDefault).map((r) => [r.name, r.id]))])),
  };
}

/** What the route recorded as its own: those its observation did not find are gone. */
export interface Recorded {
  serviceArn?: string;
  targetGroupArns: ReadonlySet<string>;
}

/** Applies a route's plan: its target groups through a TargetGroupApplier, then service, listeners and rules. */
export class RouteApplier {
  readonly #api: LatticeApi;
  readonly #owner: RouteOwner;
  readonly #known: Known;
  readonly #targetGroups: TargetGroupApplier;
  readonly #nameOfKey: Map<string, string>;
  readonly #external: Readonly<Record<string, { arn: string; id: string }>>;
  readonly #waits: string[] = [];
  readonly #domainConflicts: string[] = [];
  #customDomain: string | undefined;
  /** Services and listeners created by this pass: a create under one carries its new id in its token, so needs no check. */
  readonly #createdThisPass = new Set<string>();
  #createdEarlier: string | undefined;
  readonly #picture: RoutePicture;
  /** The recorded service, when the observation did not find it (see checkedByUse). */
  readonly #deadService: ReadonlySet<string>;

  constructor(
    api: LatticeApi,
    owner: RouteOwner,
    observed: ObservedRoute,
    targetGroups: readonly TargetGroupModel[],
    external: Readonly<Record<string, { arn: string; id: string }>> = {},
    recorded: Recorded = { targetGroupArns: new Set() },
    lambda?: LambdaApi,
  ) {
    this.#api = api;
    this.#owner = owner;
    this.#known = known(observed);
    this.#picture = new RoutePicture(observed);
    const pictured = this.#picture.targetGroups;
    const ownGroups = recorded.targetGroupArns;
    this.#targetGroups = new TargetGroupApplier(api, owner, observed.targetGroups, targetGroups, ownGroups, lambda, pictured);
    this.#deadService = new Set(recorded.serviceArn && !observed.service ? [recorded.serviceArn] : []);
    this.#nameOfKey = new Map(targetGroups.map((g) => [g.key, g.name]));
    this.#external = external;
    this.#customDomain = observed.service?.customDomainName;
  }

  /** Runs `ops` in order; stops at the first error and returns it with what was done before. */
  async apply(ops: readonly PlanOp[]): Promise<ApplyResult> {
    const result = (extra: Partial<ApplyResult>): ApplyResult => ({
      service: this.#known.service,
      targetGroupArns: this.#targetGroups.targetGroupArns(),
      waits: [...this.#targetGroups.waits, ...this.#waits],
      conflict: undefined,
      domainConflicts: [...this.#domainConflicts],
      createdServiceId: [this.#known.service?.id ?? ''].find((id) => this.#createdThisPass.has(id) || id === this.#createdEarlier),
      ...extra,
    });
    try {
      for (const op of ops) await (isTargetGroupOp(op) ? this.#targetGroups.run(op) : this.#run(op));
    } catch (error) {
      if (error instanceof ServiceConflict) return result({ service: undefined, waits: [], conflict: error.message });
      if (error instanceof Unobserved) return result({ waits: [error.message] });
      if (isServiceGone(error))
        return result({ waits: [`the Lattice service is gone (deleted since it was read or created); read again next pass`] });
      return result({ error });
    }
    return result({ picture: this.#picture.observed });
  }

  /** The service was created earlier in this pass's chain (see LatticePicture.createdServiceId and associateService). */
  createdEarlier(serviceId: string): void {
    this.#createdEarlier = serviceId;
  }

  /** The check of a create under `parentId`: none when this pass created the parent. */
  #aliveUnder<T>(parentId: string, check: (created: T) => Promise<boolean>): (created: T) => Promise<boolean> {
    return this.#createdThisPass.has(parentId) ? async () => true : check;
  }

  /** A listener or rule write; it builds on this pass's creates (see UnreadAnswers). */
  #ruleWrite<T>(call: Promise<T>): Promise<T> {
    return this.#targetGroups.unreadAnswers.check(call).catch((error: unknown) => Promise.reject(ruleWriteError(error)));
  }

  #serviceId(): string {
    const service = this.#known.service;
    if (!service) throw new Error('no Lattice service to work on');
    return service.id;
  }

  #sdkAction(action: RuleAction): SdkRuleAction {
    if ('fixedResponse' in action) return { fixedResponse: { statusCode: action.fixedResponse } };
    return {
      forward: {
        targetGroups: action.forward.map((f) => ({
          targetGroupIdentifier: this.#external[f.key]?.id ?? this.#targetGroups.idOf(this.#nameOfKey.get(f.key) ?? f.key),
          weight: f.weight,
        })),
      },
    };
  }

  async #run(op: RouteOp): Promise<void> {
    if (!PICTURED_WRITES.has(op.kind)) this.#picture.spoil();
    switch (op.kind) {
      case 'createService':
        return this.#createService(op.service);
      case 'tagService':
        if (this.#known.service) await this.#api.tagResource(this.#known.service.arn, op.tags);
        return;
      case 'updateServiceCertificate':
        await this.#api.updateService({ serviceIdentifier: this.#serviceId(), certificateArn: op.certificateArn });
        return;
      case 'createAssociation': {
        const serviceId = this.#serviceId();
        const outcome = await associateService(
          this.#api,
          this.#owner,
          serviceId,
          op.serviceNetworkArn,
          this.#customDomain,
          this.#createdThisPass.has(serviceId) ? 'pass' : this.#createdEarlier === serviceId ? 'chain' : undefined,
        );
        if (outcome.domainConflict !== undefined) this.#domainConflicts.push(outcome.domainConflict);
        if (outcome.wait !== undefined) this.#waits.push(outcome.wait);
        this.#picture.associationCreated(outcome.created);
        return;
      }
      case 'deleteAssociation': {
        const wait = await dissociateService(this.#api, this.#owner, op.associationArn);
        if (wait !== undefined) this.#waits.push(wait);
        return;
      }
      case 'deleteListener':
        return this.#deleteListener(op.port);
      case 'createListener':
        return this.#createListener(op.listener);
      case 'updateListenerDefaultAction':
        await this.#ruleWrite(
          this.#api.updateListener({
            serviceIdentifier: this.#serviceId(),
            listenerIdentifier: this.#listenerId(op.port),
            defaultAction: this.#sdkAction(op.action),
          }),
        );
        return;
      case 'deleteRule':
        return this.#deleteRule(op.port, op.ruleName);
      case 'createRule':
        return this.#createRule(op.port, op.rule.name, op.rule.match, op.rule.action, op.priority);
      case 'updateRules':
        return this.#updateRules(op.port, op.updates);
    }
  }

  #listenerId(port: number): string {
    const id = this.#known.listeners.get(port);
    if (!id) throw new Error(`no listener on port ${port}`);
    return id;
  }

  async #createService(service: ServiceModel): Promise<void> {
    this.#customDomain = service.customDomainName;
    const { service: created, adopted } = await createService(this.#api, this.#owner, service, this.#deadService);
    if (created) this.#known.service = created;
    if (adopted !== undefined) throw new Unobserved(adopted);
    if (created) {
      this.#createdThisPass.add(created.id);
      this.#targetGroups.unreadAnswers.add(created.arn, () => this.#api.getService(created.arn));
    }
    this.#picture.serviceCreated(created, service);
    this.#waits.push('the Lattice service is being created');
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
    const alive = this.#aliveUnder(input.serviceIdentifier, (c: { id?: string }) =>
      isAlive(this.#api.getListener(input.serviceIdentifier, c.id ?? '')),
    );
    const created = await this.#ruleWrite(createFresh(this.#owner.tokenOwner, input, (i) => this.#api.createListener(i), alive));
    this.#targetGroups.unreadAnswers.confirmed(this.#known.service?.arn ?? '');
    if (created.id) {
      this.#createdThisPass.add(created.id);
      this.#known.listeners.set(listener.port, created.id);
      this.#known.rules.set(listener.port, new Map());
    }
    this.#picture.listenerCreated(created, input);
  }

  async #deleteRule(port: number, name: string): Promise<void> {
    const rules = this.#known.rules.get(port);
    const id = rules?.get(name);
    if (!id) return;
    await orUndefinedIfNotFound(this.#api.deleteRule(this.#serviceId(), this.#listenerId(port), id));
    rules?.delete(name);
  }

  async #createRule(port: number, name: string, match: HttpMatch, action: RuleAction, priority: number): Promise<void> {
    const input = {
      serviceIdentifier: this.#serviceId(),
      listenerIdentifier: this.#listenerId(port),
      name,
      match: { httpMatch: match },
      priority,
      action: this.#sdkAction(action),
      tags: { [TAG.managedBy]: this.#owner.managedBy },
    };
    const alive = this.#aliveUnder(input.listenerIdentifier, (c: { id?: string }) =>
      isAlive(this.#api.getRule(input.serviceIdentifier, input.listenerIdentifier, c.id ?? '')),
    );
    const created = await this.#ruleWrite(createFresh(this.#owner.tokenOwner, input, (i) => this.#api.createRule(i), alive));
    if (created.id) this.#known.rules.get(port)?.set(name, created.id);
    this.#picture.ruleCreated(created, input, port);
  }

  async #updateRules(port: number, updates: readonly RuleUpdate[]): Promise<void> {
    const rules = this.#known.rules.get(port);
    const result = await this.#ruleWrite(
      this.#api.batchUpdateRule({
        serviceIdentifier: this.#serviceId(),
        listenerIdentifier: this.#listenerId(port),
        rules: updates.map((u) => ({
          ruleIdentifier: rules?.get(u.ruleName) ?? u.ruleName,
          ...(u.priority !== undefined ? { priority: u.priority } : {}),
          ...(u.action !== undefined ? { action: this.#sdkAction(u.action) } : {}),
          ...(u.match !== undefined ? { match: { httpMatch: u.match } } : {}),
        })),
      }),
    );
    const failed = (result.unsuccessful ?? []).map((f) => `${f.ruleIdentifier}: ${f.failureMessage ?? f.failureCode}`);
    // Partial failure is no HTTP error: report it, and let the next pass plan the rest again.
    if (failed.length > 0) throw new LatticeRefusal('RulesNotUpdated', `rules not updated: ${failed.join('; ')}`);
  }
}
