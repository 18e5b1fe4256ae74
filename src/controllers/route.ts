import type { BackendRef, AnyRoute } from '../gatewayapi/types';
import { GATEWAY_API_VERSION, REFERENCE_GRANT_API_VERSION } from '../gatewayapi/types';
import { SERVICE_NAME_LABEL } from '../gatewayapi/coreTypes';
import { ASSIGNED_DOMAIN_ANNOTATION, KEY_PREFIX, MANAGED_LABEL, MANAGED_LABEL_VALUE, OUR_API_GROUP, OUR_API_VERSION, SERVICE_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import { SERVICE_IMPORT_KIND } from '../model/backends';
import { gatewayParentRefs } from '../gatewayapi/parentRefs';
import { CERTIFICATE_ARN_OPTION } from '../gatewayapi/listeners';
import { routeParents, type RouteParent } from '../gatewayapi/routeParents';
import { buildRouteStatus, type ParentStatusInput } from '../gatewayapi/routeStatus';
import { condition, hasNewerObservedGeneration, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse, KubeObject, MetadataPatch, RelatedResourceRule } from '../metacontroller/types';
import { awsErrorMessage, isUserActionable } from '../lattice/awsErrors';
import { RouteApplier, routeOwns, type ApplyResult, type RouteOwner } from '../lattice/routeApply';
import { planRoute, referencedTargetGroupIds, type RoutePlan } from '../lattice/routePlan';
import { observeAssociations, observeImportedTargetGroups, observeListeners, observeService, observeTargetGroups, type ObservedRoute } from '../lattice/routeState';
import { teardownRoute } from '../lattice/routeTeardown';
import { unavailableImports, type ObservedImport } from '../model/importCandidates';
import { buildRouteModel, customDomainOf, httpsCertificateOf, type BuiltRoute, type RouteModel, type RouteModelOptions } from '../model/routeModel';
import { discoverCertificate } from '../lattice/certificates';
import { latticeServiceName } from '../model/names';
import type { RouteKindAdapter } from '../model/routeKinds';
import { recordedTargetGroups, targetGroupsPatch } from './targetGroupRecord';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from './types';

export const ALLOW_TAKEOVER_ANNOTATION = `${KEY_PREFIX}allow-takeover-from`;
/** `<hostname>=<certificate ARN>` found in ACM, so discovery (an account-wide list) runs once per hostname. */
export const DISCOVERED_CERTIFICATE_ANNOTATION = `${KEY_PREFIX}discovered-certificate`;
/** Route parent condition saying whether VPC Lattice holds what the route describes. */
export const PROGRAMMED_CONDITION = `${KEY_PREFIX}Programmed`;

const PENDING_RESYNC_SECONDS = 5;
const NETWORK_RESYNC_SECONDS = 30;
const ERROR_RESYNC_SECONDS = 60;
const CERTIFICATE_RESYNC_SECONDS = 60;

const MANAGED = { matchLabels: { [MANAGED_LABEL]: MANAGED_LABEL_VALUE } };

/** What happened in Lattice during this sync. */
type LatticeOutcome =
  | { state: 'programmed'; serviceArn: string; dnsName: string | undefined; targetGroupArns: string[] }
  | { state: 'refused'; message: string; serviceArn: string; dnsName: string | undefined; targetGroupArns: string[] }
  | { state: 'pending'; waits: string[]; serviceArn: string | undefined; dnsName: string | undefined; targetGroupArns: string[] }
  | { state: 'conflicted'; message: string; targetGroupArns: string[] }
  | { state: 'error'; message: string; serviceArn: string | undefined; targetGroupArns: string[] }
  | { state: 'none'; serviceArn: string | undefined; targetGroupArns: string[] };

export const DNS_ENDPOINT_API_VERSION = 'externaldns.k8s.io/v1alpha1';
const DNS_TTL_SECONDS = 300;

function routeWiring(adapter: RouteKindAdapter, name: string, dnsEndpoints: boolean): DecoratorWiring {
  return {
    kind: 'DecoratorController',
    name,
    description: `Programs ${adapter.kind}s of Lattice-class Gateways into VPC Lattice services, listeners, rules and target groups.`,
    resources: [{ apiVersion: GATEWAY_API_VERSION, resource: `${adapter.kind.toLowerCase()}s`, labelSelector: MANAGED, ignoreStatusChanges: true }],
    ...(dnsEndpoints ? { attachments: [{ apiVersion: DNS_ENDPOINT_API_VERSION, resource: 'dnsendpoints', updateStrategy: { method: 'InPlace' as const } }] } : {}),
    hooks: { customize: true, finalize: true },
  };
}

/** The external-dns record of a route: a CNAME from its custom domain to the Lattice service DNS name. */
function dnsEndpoints(route: AnyRoute, outcome: LatticeOutcome): KubeObject[] {
  const domain = customDomainOf(route).domain;
  const target = 'dnsName' in outcome ? outcome.dnsName : undefined;
  if (!domain || !target) return [];
  return [
    {
      apiVersion: DNS_ENDPOINT_API_VERSION,
      kind: 'DNSEndpoint',
      metadata: { name: `${route.metadata.name}-dns`, namespace: route.metadata.namespace ?? '' },
      spec: { endpoints: [{ dnsName: domain, recordType: 'CNAME', recordTTL: DNS_TTL_SECONDS, targets: [target] }] },
    },
  ];
}

function ownerOf(route: AnyRoute, adapter: RouteKindAdapter, ctx: HookContext): RouteOwner {
  const { identity } = ctx.aws;
  const owner = {
    managedBy: identity.managedBy,
    vpcId: identity.vpcId,
    tokenOwner: `${identity.managedBy}/${route.kind}/${route.metadata.uid ?? `${route.metadata.namespace}/${route.metadata.name}`}`,
    routeName: route.metadata.name,
    routeNamespace: route.metadata.namespace ?? '',
    routeType: adapter.routeType,
    allowTakeoverFrom: route.metadata.annotations?.[ALLOW_TAKEOVER_ANNOTATION],
  };
  return { ...owner, ownsTargetGroup: (tags) => routeOwns(owner, tags) };
}

/** Related objects a route sync needs: parents, classes, its Namespace, backends and their EndpointSlices and grants. */
function relatedResources(route: AnyRoute, adapter: RouteKindAdapter): RelatedResourceRule[] {
  const routeNamespace = route.metadata.namespace ?? '';
  const rules: RelatedResourceRule[] = [];
  const gateways = new Map<string, Set<string>>();
  for (const ref of gatewayParentRefs(route)) gateways.set(ref.namespace, (gateways.get(ref.namespace) ?? new Set()).add(ref.name));
  for (const [namespace, names] of [...gateways].sort(([a], [b]) => a.localeCompare(b))) {
    rules.push({ apiVersion: GATEWAY_API_VERSION, resource: 'gateways', namespace, names: [...names].sort() });
  }
  rules.push({ apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', labelSelector: {} });
  rules.push({ apiVersion: 'v1', resource: 'namespaces', names: [routeNamespace] });
  const services = new Map<string, Set<string>>();
  const imports = new Map<string, Set<string>>();
  for (const rule of adapter.rules(route)) {
    for (const ref of (rule.backendRefs ?? []) as BackendRef[]) {
      const namespace = ref.namespace || routeNamespace;
      const group = ref.group ?? '';
      const kind = ref.kind ?? 'Service';
      const into = group === '' && kind === 'Service' ? services : group === OUR_API_GROUP && kind === SERVICE_IMPORT_KIND ? imports : undefined;
      into?.set(namespace, (into.get(namespace) ?? new Set()).add(ref.name));
    }
  }
  const byName = ([a]: [string, unknown], [b]: [string, unknown]) => a.localeCompare(b);
  for (const [namespace, names] of [...services].sort(byName)) {
    const sorted = [...names].sort();
    rules.push({ apiVersion: 'v1', resource: 'services', namespace, names: sorted });
    rules.push({
      apiVersion: 'discovery.k8s.io/v1',
      resource: 'endpointslices',
      namespace,
      labelSelector: { matchExpressions: [{ key: SERVICE_NAME_LABEL, operator: 'In', values: sorted }] },
    });
    // TargetGroupPolicies of these Services shape their target groups.
    rules.push({ apiVersion: OUR_API_VERSION, resource: 'targetgrouppolicies', namespace, labelSelector: {} });
  }
  for (const [namespace, names] of [...imports].sort(byName)) {
    rules.push({ apiVersion: OUR_API_VERSION, resource: 'serviceimports', namespace, names: [...names].sort() });
  }
  for (const namespace of [...new Set([...services.keys(), ...imports.keys()])].sort()) {
    if (namespace !== routeNamespace) rules.push({ apiVersion: REFERENCE_GRANT_API_VERSION, resource: 'referencegrants', namespace });
  }
  return rules;
}

/** `imports`: the imported groups, already read; a rule forwarding to one does not read it again. */
async function observe(ctx: HookContext, route: AnyRoute, model: RouteModel, imports: readonly ObservedImport[]): Promise<ObservedRoute> {
  const api = ctx.aws.api;
  const service = await observeService(api, route.metadata.annotations?.[SERVICE_ARN_ANNOTATION]);
  const listeners = service ? await observeListeners(api, service.id) : [];
  const wanted = new Set(model.targetGroups.map((g) => g.name));
  const imported = new Set(imports.map((i) => i.id));
  const referenced = referencedTargetGroupIds(listeners).filter((id) => !imported.has(id));
  const targetGroups = await observeTargetGroups(api, [...recordedTargetGroups(route), ...referenced], (name) => wanted.has(name));
  const associations = service ? await observeAssociations(api, service.id) : [];
  return { service, listeners, targetGroups, associations, imports };
}

/**
 * Observe, plan, apply. Imported target groups are looked at first: one Lattice cannot forward to
 * (deleted since the import resolved, used by another service) is reported on its backendRef and
 * the model is rebuilt without it. User-actionable AWS refusals become a condition.
 */
async function program(
  ctx: HookContext,
  route: AnyRoute,
  adapter: RouteKindAdapter,
  initial: BuiltRoute & { model: RouteModel },
  rebuild: (unavailable: ReadonlyMap<string, string>) => BuiltRoute,
): Promise<{ built: BuiltRoute; outcome: LatticeOutcome }> {
  const recorded = recordedTargetGroups(route);
  const recordedService = route.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
  let built: BuiltRoute = initial;
  let applier: RouteApplier | undefined;
  try {
    const imports = await observeImportedTargetGroups(ctx.aws.api, Object.values(initial.model.externalTargetGroups).map((g) => g.arn));
    const unavailable = unavailableImports(imports, recordedService);
    if (unavailable.size > 0) built = rebuild(unavailable);
    const model = built.model ?? initial.model;
    const observed = await observe(ctx, route, model, imports);
    const plan = planRoute(model, observed, new Set(recorded));

    applier = new RouteApplier(ctx.aws.api, ownerOf(route, adapter, ctx), observed, model.targetGroups, model.externalTargetGroups, new Set(recorded));
    const result = await applier.apply(plan.ops);
    if (plan.ops.length > 0) ctx.log.info({ ops: plan.ops.map((o) => o.kind), waits: result.waits.length + plan.waits.length }, 'route programmed');
    return { built, outcome: outcomeOf(plan, result) };
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    ctx.log.warn({ err: error }, 'VPC Lattice refused a change');
    // What this pass created before the refusal is recorded too, or a deletion would miss it.
    const targetGroupArns = applier?.targetGroupArns() ?? recorded;
    return { built, outcome: { state: 'error', message: awsErrorMessage(error), serviceArn: applier?.service?.arn ?? recordedService, targetGroupArns } };
  }
}

function outcomeOf(plan: RoutePlan, result: ApplyResult): LatticeOutcome {
  const { targetGroupArns } = result;
  if (result.conflict) return { state: 'conflicted', message: result.conflict, targetGroupArns };
  const waits = [...plan.waits, ...result.waits];
  if (!result.service) return { state: 'pending', waits: ['the Lattice service is being created'], serviceArn: undefined, dnsName: undefined, targetGroupArns };
  const { arn: serviceArn, dnsName } = result.service;
  if (plan.refusals.length > 0) return { state: 'refused', message: plan.refusals.join('; '), serviceArn, dnsName, targetGroupArns };
  if (waits.length > 0) return { state: 'pending', waits, serviceArn, dnsName, targetGroupArns };
  return { state: 'programmed', serviceArn, dnsName, targetGroupArns };
}

function acceptedCondition(parent: RouteParent, built: BuiltRoute, outcome: LatticeOutcome): DesiredCondition {
  const { attachment } = parent;
  if (attachment.reason !== 'Accepted') return condition('Accepted', 'False', attachment.reason, attachment.message);
  if (built.routeProblem) return condition('Accepted', 'False', 'UnsupportedValue', built.routeProblem);
  if (built.certificateNeededFor) {
    return condition('Accepted', 'False', 'CertificateNotFound', `No issued ACM certificate matches ${built.certificateNeededFor}; name one in the Gateway listener's tls.options ${CERTIFICATE_ARN_OPTION}, or request one in ACM (checked again in ${CERTIFICATE_RESYNC_SECONDS}s)`);
  }
  if (outcome.state === 'conflicted') return condition('Accepted', 'False', 'Conflicted', outcome.message);
  if (built.noValidRule) return condition('Accepted', 'False', 'UnsupportedValue', `No rule can be programmed: ${built.dropped.map((d) => d.message).join('; ')}`);
  if (built.parentsWithoutNetwork.includes(parent)) {
    const gw = parent.gateway.metadata;
    return condition('Accepted', 'Unknown', 'Pending', `Waiting for the VPC Lattice service network of Gateway ${gw.namespace}/${gw.name}`);
  }
  return condition('Accepted', 'True', 'Accepted', built.notes.length > 0 ? `Accepted; ${built.notes.join('; ')}` : 'Accepted');
}

function programmedCondition(outcome: LatticeOutcome): DesiredCondition | undefined {
  switch (outcome.state) {
    case 'programmed':
      return condition(PROGRAMMED_CONDITION, 'True', 'Programmed', `VPC Lattice service ${outcome.serviceArn}${outcome.dnsName ? ` (${outcome.dnsName})` : ''}`);
    case 'pending':
      return condition(PROGRAMMED_CONDITION, 'False', 'Pending', outcome.waits.join('; '));
    case 'error':
      return condition(PROGRAMMED_CONDITION, 'False', 'Error', outcome.message);
    case 'refused':
      return condition(PROGRAMMED_CONDITION, 'False', 'ImmutableField', outcome.message);
    default:
      return undefined;
  }
}

function parentStatuses(parents: readonly RouteParent[], built: BuiltRoute, outcome: LatticeOutcome): ParentStatusInput[] {
  return parents.map((parent) => {
    const accepted = acceptedCondition(parent, built, outcome);
    const conditions = [accepted, built.resolvedRefs];
    if (accepted.status === 'True') {
      if (built.dropped.length > 0) {
        conditions.push(condition('PartiallyInvalid', 'True', 'UnsupportedValue', `Dropped Rule${built.dropped.length > 1 ? 's' : ''}: ${built.dropped.map((d) => d.message).join('; ')}`));
      }
      const programmed = programmedCondition(outcome);
      if (programmed) conditions.push(programmed);
    }
    return { specRef: parent.specRef, conditions };
  });
}

function annotationsFor(route: AnyRoute, outcome: LatticeOutcome, discoveredCertificate: string | null = null): MetadataPatch {
  const serviceArn = 'serviceArn' in outcome ? outcome.serviceArn : undefined;
  const dnsName = 'dnsName' in outcome ? outcome.dnsName : undefined;
  return metadataPatch(route.metadata.annotations, {
    [DISCOVERED_CERTIFICATE_ANNOTATION]: discoveredCertificate,
    [SERVICE_ARN_ANNOTATION]: serviceArn ?? null,
    [ASSIGNED_DOMAIN_ANNOTATION]: dnsName ?? (serviceArn ? (route.metadata.annotations?.[ASSIGNED_DOMAIN_ANNOTATION] ?? null) : null),
    ...targetGroupsPatch(outcome.targetGroupArns),
  });
}

function resyncOf(outcome: LatticeOutcome, built: BuiltRoute): number | undefined {
  if (built.certificateNeededFor) return CERTIFICATE_RESYNC_SECONDS;
  if (outcome.state === 'pending') return PENDING_RESYNC_SECONDS;
  if (outcome.state === 'error' || outcome.state === 'conflicted') return ERROR_RESYNC_SECONDS;
  if (built.parentsWithoutNetwork.length > 0) return NETWORK_RESYNC_SECONDS;
  return undefined;
}

async function tearDown(ctx: HookContext, route: AnyRoute, adapter: RouteKindAdapter): Promise<LatticeOutcome & { done: boolean }> {
  const result = await teardownRoute(ctx.aws.api, ownerOf(route, adapter, ctx), {
    serviceArn: route.metadata.annotations?.[SERVICE_ARN_ANNOTATION],
    serviceName: route.metadata.annotations?.[SERVICE_ARN_ANNOTATION] ? undefined : latticeServiceName(route.metadata.namespace ?? '', route.metadata.name),
    targetGroupArns: recordedTargetGroups(route),
  });
  return result.done
    ? { state: 'none', serviceArn: undefined, targetGroupArns: [], done: true }
    : { state: 'pending', waits: result.waits, serviceArn: result.serviceArn, dnsName: undefined, targetGroupArns: result.targetGroupArns, done: false };
}

async function sync(request: DecoratorHookRequest, ctx: HookContext, adapter: RouteKindAdapter, withDns: boolean): Promise<DecoratorHookResponse> {
  const route = request.object as AnyRoute;
  const generation = generationOf(route);
  const index = ObjectIndex.fromDecoratorRequest(request);
  const parents = routeParents(route, index, ctx.config.controllerName);
  const certificate = await certificateFor(route, parents, ctx);
  const options: RouteModelOptions = {
    identity: ctx.aws.identity,
    maxRulesPerListener: ctx.config.rulesPerListener,
    maxListenersPerService: ctx.config.listenersPerService,
    ...(certificate.arn ? { discoveredCertificateArn: certificate.arn } : {}),
  };
  let built = buildRouteModel(route, adapter, parents, index, options);
  const hasLatticeState = route.metadata.annotations?.[SERVICE_ARN_ANNOTATION] !== undefined || recordedTargetGroups(route).length > 0;
  let outcome: LatticeOutcome;
  if (built.model && !built.noValidRule) {
    const rebuild = (unavailable: ReadonlyMap<string, string>) => buildRouteModel(route, adapter, parents, index, { ...options, unavailableTargetGroups: unavailable });
    ({ built, outcome } = await program(ctx, route, adapter, { ...built, model: built.model }, rebuild));
  } else if (hasLatticeState) outcome = await tearDown(ctx, route, adapter);
  else outcome = { state: 'none', serviceArn: undefined, targetGroupArns: [] };

  const stale = hasNewerObservedGeneration(
    (route.status?.parents as { controllerName?: string; conditions?: unknown[] }[] | undefined)?.filter((p) => p.controllerName === ctx.config.controllerName).flatMap((p) => p.conditions ?? []),
    ['Accepted'],
    generation,
  );
  const status = buildRouteStatus(route, parentStatuses(parents, built, outcome), { controllerName: ctx.config.controllerName, generation, now: ctx.now().toISOString() });
  const resync = resyncOf(outcome, built);
  return {
    status: stale ? null : statusIfChanged(route.status, status),
    annotations: annotationsFor(route, outcome, certificate.memo),
    ...(withDns ? { attachments: dnsEndpoints(route, outcome) } : {}),
    ...(resync !== undefined ? { resyncAfterSeconds: resync } : {}),
  };
}

/**
 * The ACM certificate of the custom domain when an HTTPS listener serves the route and names none:
 * found once per hostname and remembered on the route.
 */
async function certificateFor(route: AnyRoute, parents: readonly RouteParent[], ctx: HookContext): Promise<{ arn: string | undefined; memo: string | null }> {
  const { domain } = customDomainOf(route);
  const https = httpsCertificateOf(parents.filter((p) => p.attachment.reason === 'Accepted'));
  if (domain === undefined || !https.https || https.certificateArn !== undefined) return { arn: undefined, memo: null };
  const [host, arn] = (route.metadata.annotations?.[DISCOVERED_CERTIFICATE_ANNOTATION] ?? '').split('=');
  const found = host === domain && arn ? arn : await discoverCertificate(ctx.aws.acm, domain);
  return { arn: found, memo: found ? `${domain}=${found}` : null };
}

async function finalize(request: DecoratorHookRequest, ctx: HookContext, adapter: RouteKindAdapter, withDns: boolean): Promise<DecoratorHookResponse> {
  const route = request.object as AnyRoute;
  const outcome = await tearDown(ctx, route, adapter);
  const annotations = annotationsFor(route, outcome);
  // The DNS record goes with the first finalize pass, before the service it points to.
  if (!outcome.done) return { annotations, ...(withDns ? { attachments: [] } : {}), resyncAfterSeconds: PENDING_RESYNC_SECONDS };
  // Clean: our parent entries go too (another implementation may own the route now).
  const status = buildRouteStatus(route, [], { controllerName: ctx.config.controllerName, generation: generationOf(route), now: ctx.now().toISOString() });
  return { status: statusIfChanged(route.status, status), annotations, ...(withDns ? { attachments: [] } : {}), finalized: true };
}

export interface RouteControllerOptions {
  /** Return external-dns DNSEndpoint attachments (EXTERNAL_DNS_ENDPOINTS). */
  dnsEndpoints: boolean;
}

export function createRouteController(adapter: RouteKindAdapter, name: string, features: readonly string[], options: RouteControllerOptions): HookController {
  const handlers: DecoratorHandlers = {
    customize: (request) => ({ relatedResources: relatedResources(request.parent as AnyRoute, adapter) }),
    sync: (request, ctx) => sync(request, ctx, adapter, options.dnsEndpoints),
    finalize: (request, ctx) => finalize(request, ctx, adapter, options.dnsEndpoints),
  };
  return { wiring: routeWiring(adapter, name, options.dnsEndpoints), handlers, features };
}
