import { condition, type DesiredCondition } from '../metacontroller/conditions';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { EndpointSlice } from '../gatewayapi/coreTypes';
import { KEY_PREFIX, SERVICE_NETWORK_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import type { RouteParent } from '../gatewayapi/routeParents';
import type { AnyRoute } from '../gatewayapi/types';
import type { AwsIdentity } from './identity';
import { parseTagsAnnotation, TAG, TAGS_ANNOTATION } from './tags';
import {
  latticeWeights,
  resolveRuleBackends,
  type Backend,
  type BackendProblem,
  type ImportedBackend,
  type LambdaBackend,
  type ServiceBackend,
} from './backends';
import type { FunctionLookup } from './lambdaTargets';
import { applySettings, policyFor } from './targetGroupPolicy';
import { latticeServiceName, serviceNameProblem } from './names';
import type { RouteKindAdapter } from './routeKinds';
import {
  describeRule,
  orderRules,
  priorityOverrides,
  type DroppedRule,
  type LatticeRuleModel,
  type MatchEntry,
  type RuleAction,
} from './rules';
import { lambdaTargetGroupModel, targetGroupModel, type TargetGroupModel } from './targetGroups';
import { targetsFor } from './targets';
import { customDomainOf } from './customDomain';
import type { GroupRole } from './hostnameGroup';
import { httpsCertificateOf, listenersOf, passthroughDomainProblem, type ListenerModel } from './routeListeners';

export { customDomainOf } from './customDomain';

export const SERVICE_NAME_OVERRIDE_ANNOTATION = `${KEY_PREFIX}service-name-override`;
export const STANDALONE_ANNOTATION = `${KEY_PREFIX}standalone`;

/** At most this many target groups in one forward action (Lattice). */
const MAX_FORWARD_TARGET_GROUPS = 10;

export interface ServiceModel {
  name: string;
  tags: Record<string, string>;
  /** The route's first (non-wildcard) hostname; Lattice cannot change it on an existing service. */
  customDomainName?: string;
  certificateArn?: string;
}

/** Everything the route should be in Lattice. */
export interface RouteModel {
  service: ServiceModel;
  listeners: ListenerModel[];
  /** The same rules on every HTTP/HTTPS listener. */
  rules: LatticeRuleModel[];
  targetGroups: TargetGroupModel[];
  /** ARNs of the service networks to associate with. */
  networks: string[];
  /** Target groups of other owners the rules forward to (ServiceImport backends), by backend key. */
  externalTargetGroups: Record<string, { arn: string; id: string }>;
}

export interface RouteModelOptions {
  identity: AwsIdentity;
  maxRulesPerListener: number;
  maxListenersPerService: number;
  /** An ACM certificate found for the custom domain, when no listener names one. */
  discoveredCertificateArn?: string;
  /** Imported target groups Lattice says the route cannot use, by ARN, with why (see unavailableImports). */
  unavailableTargetGroups?: ReadonlyMap<string, string>;
  /** The functions of LambdaTarget backends as the hook read them, by ARN (see lambdaFunctionArns). */
  functions?: ReadonlyMap<string, FunctionLookup>;
}

export interface BuiltRoute {
  /** Undefined when no parent accepts the route: nothing to program. */
  model: RouteModel | undefined;
  resolvedRefs: DesiredCondition;
  dropped: DroppedRule[];
  /** The route has rules, but not one of them can be programmed. */
  noValidRule: boolean;
  /** Accepted parents whose Gateway has no service network yet. */
  parentsWithoutNetwork: RouteParent[];
  /** Why the route cannot be programmed at all (a bad service-name-override, a TLSRoute without hostname…). */
  routeProblem: string | undefined;
  /** The custom domain needs a certificate (HTTPS) and none is known: the hostname to find one for. */
  certificateNeededFor: string | undefined;
  /** Things done differently than asked, said in the Accepted message. */
  notes: string[];
  /**
   * The route's Lattice rules in its own order, also when no parent accepts it, and the Gateway API
   * precedence of each (to merge the rules of routes that share a hostname). Depends on the spec only.
   */
  orderedRules: LatticeRuleModel[];
  rulePrecedence: number[][];
  /** Set when other routes serve the same hostname: this route's place in that group (see hostnameGroup). */
  group?: GroupRole;
}

function isStandalone(route: AnyRoute, parents: readonly RouteParent[]): boolean {
  const own = route.metadata.annotations?.[STANDALONE_ANNOTATION];
  if (own === 'true' || own === 'false') return own === 'true';
  return parents.some((p) => p.gateway.metadata.annotations?.[STANDALONE_ANNOTATION] === 'true');
}

function resolvedRefsCondition(problems: readonly BackendProblem[]): DesiredCondition {
  const [first] = problems;
  if (!first) return condition('ResolvedRefs', 'True', 'ResolvedRefs', 'All references resolved');
  return condition('ResolvedRefs', 'False', first.reason, problems.map((p) => p.message).join('; '));
}

/**
 * The desired Lattice resources of a route and what its status must say about references and
 * dropped rules. Pure: everything comes from the request's objects.
 */
export function buildRouteModel(
  route: AnyRoute,
  adapter: RouteKindAdapter,
  parents: readonly RouteParent[],
  index: ObjectIndex,
  options: RouteModelOptions,
): BuiltRoute {
  const notes: string[] = [];
  const routeNamespace = route.metadata.namespace ?? '';
  const routeName = route.metadata.name;
  const rules = adapter.rules(route);
  const problems: BackendProblem[] = [];
  const dropped: DroppedRule[] = [];
  const actions: RuleAction[] = [];
  const entries: MatchEntry[] = [];
  const backendsByKey = new Map<string, Backend>();

  for (const [ruleIndex, rule] of rules.entries()) {
    const lookups = {
      identity: options.identity,
      ...(options.unavailableTargetGroups ? { unavailable: options.unavailableTargetGroups } : {}),
      ...(options.functions ? { functions: options.functions } : {}),
    };
    const resolved = resolveRuleBackends(route, rule.backendRefs ?? [], index, adapter, lookups);
    problems.push(...resolved.problems);
    const live = resolved.backends.filter((b) => b.weight > 0);
    // A missing function keeps its share (its group has no target, so that share fails), but cannot serve a rule alone.
    const serving = live.filter((b) => b.kind !== 'lambda' || !b.missing);
    if (live.length > MAX_FORWARD_TARGET_GROUPS) {
      dropped.push({
        ruleIndex,
        ruleName: rule.name,
        message: `${describeRule(ruleIndex, rule.name)}: ${live.length} backends (VPC Lattice forwards to at most ${MAX_FORWARD_TARGET_GROUPS})`,
      });
      actions.push({ fixedResponse: 500 });
      continue;
    }
    const ruleEntries = adapter.entries(route, ruleIndex);
    if ('problem' in ruleEntries) {
      dropped.push({ ruleIndex, ruleName: rule.name, message: ruleEntries.problem });
      actions.push({ fixedResponse: 500 });
      continue;
    }
    for (const backend of live) backendsByKey.set(backend.key, backendsByKey.get(backend.key) ?? backend);
    const weights = latticeWeights(live.map((b) => b.weight));
    // No valid backend (or only zero weights): the Gateway API answers 500.
    actions.push(
      serving.length === 0 ? { fixedResponse: 500 } : { forward: live.map((b, i) => ({ key: b.key, weight: weights[i] ?? 1 })) },
    );
    entries.push(...ruleEntries.entries);
  }

  const ordered = orderRules(entries, {
    maxRules: options.maxRulesPerListener,
    priorityOverrides: priorityOverrides(route.metadata.annotations),
    actions,
    ruleNames: rules.map((r) => r.name),
  });
  dropped.push(...ordered.dropped);
  const passthroughAction = adapter.mode === 'defaultAction' ? actions[0] : undefined;
  const usedActions = adapter.mode === 'rules' ? ordered.rules.map((r) => r.action) : passthroughAction ? [passthroughAction] : [];
  const usedKeys = new Set(usedActions.flatMap((a) => ('forward' in a ? a.forward.map((f) => f.key) : [])));
  const accepted = parents.filter((p) => p.attachment.reason === 'Accepted');
  const domain = customDomainOf(route, accepted);
  if (domain.ignored.length > 0)
    notes.push(
      `VPC Lattice serves one custom domain per service: ${domain.domain ?? 'no hostname'} is used; ${domain.ignored.join(', ')} ${domain.ignored.length > 1 ? 'are' : 'is'} not`,
    );

  const base = {
    resolvedRefs: resolvedRefsCondition(problems),
    dropped: dropped.sort((a, b) => a.ruleIndex - b.ruleIndex),
    noValidRule: adapter.mode === 'rules' ? rules.length > 0 && ordered.rules.length === 0 : dropped.length > 0,
    notes,
    orderedRules: adapter.mode === 'rules' ? ordered.rules : [],
    rulePrecedence: adapter.mode === 'rules' ? ordered.precedence : [],
  };
  const override = route.metadata.annotations?.[SERVICE_NAME_OVERRIDE_ANNOTATION];
  const nameProblem = override === undefined ? undefined : serviceNameProblem(override);
  const routeProblem =
    nameProblem !== undefined
      ? `service-name-override "${override}" ${nameProblem}`
      : (adapter.routeProblem(route) ?? passthroughDomainProblem(adapter, domain.wildcardsOnly));
  const parentsWithoutNetwork = accepted.filter((p) => !p.gateway.metadata.annotations?.[SERVICE_NETWORK_ARN_ANNOTATION]);
  const certificate = httpsCertificateOf(accepted);
  const certificateArn = certificate.certificateArn ?? options.discoveredCertificateArn;
  const certificateNeededFor = domain.domain !== undefined && certificate.https && certificateArn === undefined ? domain.domain : undefined;
  if (accepted.length === 0 || routeProblem !== undefined || certificateNeededFor !== undefined) {
    return { ...base, model: undefined, parentsWithoutNetwork, routeProblem, certificateNeededFor };
  }

  const slices = index.list<EndpointSlice>('discovery.k8s.io', 'EndpointSlice');
  const used = [...backendsByKey.values()].filter((b) => usedKeys.has(b.key)).sort((a, b) => (a.key < b.key ? -1 : 1));
  const targetGroups = used
    .filter((b): b is ServiceBackend => b.kind === 'service')
    .map((backend) => {
      const settings = policyFor(index, {
        group: '',
        kind: 'Service',
        namespace: backend.service.metadata.namespace ?? '',
        name: backend.service.metadata.name,
      });
      return targetGroupModel({
        owner: options.identity.managedBy,
        vpcId: options.identity.vpcId,
        clusterName: options.identity.clusterName,
        routeKind: route.kind,
        routeType: adapter.routeType,
        routeNamespace,
        routeName,
        backend,
        ...applySettings(adapter.targetGroupProtocol(backend), settings),
        targets: targetsFor(backend.service, backend.port, slices, backend.ipFamily),
      });
    });
  const lambdaGroups = used
    .filter((b): b is LambdaBackend => b.kind === 'lambda')
    .map((backend) =>
      lambdaTargetGroupModel({
        owner: options.identity.managedBy,
        clusterName: options.identity.clusterName,
        routeKind: route.kind,
        routeType: adapter.routeType,
        routeNamespace,
        routeName,
        backend,
      }),
    );
  const externalTargetGroups = Object.fromEntries(
    used.filter((b): b is ImportedBackend => b.kind === 'import').map((b) => [b.key, { arn: b.targetGroup.arn, id: b.targetGroup.id }]),
  );
  const networks = isStandalone(route, accepted)
    ? []
    : [
        ...new Set(accepted.map((p) => p.gateway.metadata.annotations?.[SERVICE_NETWORK_ARN_ANNOTATION]).filter((a): a is string => !!a)),
      ].sort();

  return {
    ...base,
    model: {
      service: {
        name: override ?? latticeServiceName(routeNamespace, routeName),
        ...(domain.domain !== undefined ? { customDomainName: domain.domain } : {}),
        ...(domain.domain !== undefined && certificateArn !== undefined ? { certificateArn } : {}),
        tags: {
          ...parseTagsAnnotation(route.metadata.annotations?.[TAGS_ANNOTATION]),
          [TAG.managedBy]: options.identity.managedBy,
          [TAG.routeName]: routeName,
          [TAG.routeNamespace]: routeNamespace,
          [TAG.routeType]: adapter.routeType,
        },
      },
      listeners: listenersOf(accepted, options.maxListenersPerService, passthroughAction, notes),
      rules: adapter.mode === 'rules' ? ordered.rules : [],
      targetGroups: [...targetGroups, ...lambdaGroups],
      networks,
      externalTargetGroups,
    },
    parentsWithoutNetwork,
    routeProblem: undefined,
    certificateNeededFor: undefined,
  };
}
