import type { AnyRoute } from '../../gatewayapi/types';
import { GATEWAY_API_VERSION } from '../../gatewayapi/types';
import { ASSIGNED_DOMAIN_ANNOTATION, MANAGED_LABEL, MANAGED_LABEL_VALUE } from '../../gatewayapi/ourKeys';
import { routeParentConditions } from '../../gatewayapi/routeConditions';
import { routeParents } from '../../gatewayapi/routeParents';
import { buildRouteStatus } from '../../gatewayapi/routeStatus';
import { hasNewerObservedGeneration } from '../../metacontroller/conditions';
import { ObjectIndex } from '../../metacontroller/objectIndex';
import { generationOf } from '../../metacontroller/objects';
import { metadataPatch, statusIfChanged } from '../../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse, KubeObject } from '../../metacontroller/types';
import type { RouteKindAdapter } from '../../model/routeKinds';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from '../types';
import { type CertificateLookup, discovered, rememberedCertificate } from './certificate';
import { DNS_ENDPOINT_API_VERSION, dnsEndpoints, keptDnsEndpoints } from './dnsEndpoints';
import { annotationsFor, CERTIFICATE_RESYNC_SECONDS, PENDING_RESYNC_SECONDS, resyncOf } from './outcome';
import { afterAnswer, forgetVerification, recordDecision, withVerification, type SkipDecision } from '../driftCheck';
import { declineWithoutPicture, lastPassMark, lastPicture, passElsewhere } from '../passMark';
import { routeFingerprint, type RouteInputs } from './inputs';
import { programRoute, type RouteSync } from './program';
import { routeModelOptionsOf } from './modelOptions';
import {
  CUSTOM_DOMAIN_LABEL,
  customDomainLabelValue,
  HOSTNAME_GROUP_LABEL,
  publishedKeyOf,
  SERVES_GROUP_ANNOTATION,
  servingMark,
  SHARED_SERVICE_ANNOTATION,
} from '../../model/hostnameGroup';
import type { BuiltRoute } from '../../model/routeModel';
import { relatedResources } from './relatedResources';
import { tearDown } from './teardown';

const MANAGED = { matchLabels: { [MANAGED_LABEL]: MANAGED_LABEL_VALUE } };

function routeWiring(adapter: RouteKindAdapter, name: string, withDns: boolean): DecoratorWiring {
  return {
    kind: 'DecoratorController',
    name,
    description: `Programs ${adapter.kind}s of Lattice-class Gateways into VPC Lattice services, listeners, rules and target groups.`,
    resources: [
      { apiVersion: GATEWAY_API_VERSION, resource: `${adapter.kind.toLowerCase()}s`, labelSelector: MANAGED, ignoreStatusChanges: true },
    ],
    ...(withDns
      ? {
          attachments: [{ apiVersion: DNS_ENDPOINT_API_VERSION, resource: 'dnsendpoints', updateStrategy: { method: 'InPlace' as const } }],
        }
      : {}),
    hooks: { customize: true, finalize: true },
  };
}

async function sync(
  request: DecoratorHookRequest,
  ctx: HookContext,
  adapter: RouteKindAdapter,
  withDns: boolean,
): Promise<DecoratorHookResponse> {
  const route = request.object as AnyRoute;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const parents = routeParents(route, index, ctx.config.controllerName);
  const { controllerName, ...modelOptions } = routeModelOptionsOf(ctx);
  const inputsWith = (certificate: CertificateLookup): RouteInputs => ({
    route,
    adapter,
    parents,
    index,
    options: { ...modelOptions, ...(certificate.arn ? { discoveredCertificateArn: certificate.arn } : {}) },
    controllerName,
  });
  // Decided on what the route remembers: a held sync does not look its certificate up in ACM either.
  const remembered = rememberedCertificate(route, parents);
  const fingerprint = routeFingerprint(inputsWith(remembered));
  const held = (decision: Extract<SkipDecision, { skip: true }>): DecoratorHookResponse => ({
    status: null,
    annotations: {},
    ...(withDns ? { attachments: decision.attachments ?? dnsEndpoints(route, verifiedDnsName(route), parents) } : {}),
    resyncAfterSeconds: decision.resyncAfterSeconds,
  });
  // Nothing it depends on changed since a pass verified (within its drift window) or still converging (before its recheck): status and record stand.
  const decision = recordDecision(ctx, route, fingerprint);
  if (decision.skip) return held(decision);
  const picture = lastPicture(ctx, route, fingerprint);
  if (picture === undefined) {
    declineWithoutPicture(ctx);
    // Still converging from another replica's pass: that replica goes on from its picture.
    const { answered, handedBack } = await passElsewhere(ctx, route, fingerprint);
    if (answered) return answered as DecoratorHookResponse;
    if (handedBack) return held({ ...handedBack, attachments: keptDnsEndpoints(request.attachments) });
  }
  const certificate = remembered.discoverFor === undefined ? remembered : await discovered(remembered.discoverFor, ctx);
  const inputs = inputsWith(certificate);
  // Recorded again when this pass answers: a pass that fails leaves no picture behind (it may have changed Lattice).
  ctx.converging?.forget(route);
  return answerOf(ctx, { inputs, withDns, certificate }, await programRoute(ctx, inputs, picture));
}

/** What a pass answers with besides its outcome. */
interface PassContext {
  inputs: RouteInputs;
  withDns: boolean;
  certificate: CertificateLookup;
}

/** The answer to a pass over Lattice. */
function answerOf(ctx: HookContext, pass: PassContext, programmed: RouteSync): DecoratorHookResponse {
  const { inputs, withDns, certificate } = pass;
  const { route, adapter, parents } = inputs;
  const { built, outcome, verified } = programmed;
  const generation = generationOf(route);
  const stale = hasNewerObservedGeneration(
    (route.status?.parents as { controllerName?: string; conditions?: unknown[] }[] | undefined)
      ?.filter((p) => p.controllerName === ctx.config.controllerName)
      .flatMap((p) => p.conditions ?? []),
    ['Accepted'],
    generation,
  );
  const conditions = routeParentConditions(parents, built, outcome, { certificateRecheckSeconds: CERTIFICATE_RESYNC_SECONDS });
  const status = buildRouteStatus(route, conditions, {
    controllerName: ctx.config.controllerName,
    generation,
    now: ctx.now().toISOString(),
  });
  const resync = resyncOf(outcome, built);
  const labels = metadataPatch(route.metadata.labels, hostnameLabelsOf(route, built, adapter));
  const annotations = {
    ...annotationsFor(route, outcome, certificate.memo),
    ...metadataPatch(route.metadata.annotations, { [SERVES_GROUP_ANNOTATION]: servingMark(route, adapter, built, outcome) }),
  };
  const nextFingerprint = (next: KubeObject) => routeFingerprint({ ...inputs, route: next as AnyRoute });
  const answer = {
    status: stale ? null : statusIfChanged(route.status, status),
    annotations: {
      ...annotations,
      ...(programmed.wrote ? lastPassMark(ctx, route, () => nextFingerprint(afterAnswer(route, annotations))) : {}),
    },
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    // The hostname's DNS record is the leader's: a follower serves through the leader's service.
    ...(withDns ? { attachments: dnsEndpoints(route, outcome.sharedServiceArn ? undefined : outcome.dnsName, parents) } : {}),
    ...(resync !== undefined ? { resyncAfterSeconds: resync } : {}),
  };
  // A stale status write is refused: the next sync (the newer generation's) decides again.
  return withVerification(ctx, route, answer, nextFingerprint, verified && resync === undefined && !stale, {
    recordConverging: !stale,
    ...(programmed.picture ? { picture: programmed.picture } : {}),
    ...(programmed.verifiedAtMs !== undefined ? { verifiedAtMs: programmed.verifiedAtMs } : {}),
  });
}

async function finalize(
  request: DecoratorHookRequest,
  ctx: HookContext,
  adapter: RouteKindAdapter,
  withDns: boolean,
): Promise<DecoratorHookResponse> {
  const route = request.object as AnyRoute;
  ctx.converging?.forget(route);
  const outcome = await tearDown(ctx, route, adapter, ObjectIndex.fromDecoratorRequest(request));
  const annotations = { ...annotationsFor(route, outcome), ...forgetVerification(route) };
  // The DNS record goes with the first finalize pass, before the service it points to.
  if (!outcome.done) return { annotations, ...(withDns ? { attachments: [] } : {}), resyncAfterSeconds: PENDING_RESYNC_SECONDS };
  // Clean: our parent entries go too (another implementation may own the route now).
  const status = buildRouteStatus(route, [], {
    controllerName: ctx.config.controllerName,
    generation: generationOf(route),
    now: ctx.now().toISOString(),
  });
  return { status: statusIfChanged(route.status, status), annotations, ...(withDns ? { attachments: [] } : {}), finalized: true };
}

/** The DNS name a verified route publishes: its own service's (a follower serves through its leader's, which publishes it). */
function verifiedDnsName(route: AnyRoute): string | undefined {
  const annotations = route.metadata.annotations ?? {};
  return annotations[SHARED_SERVICE_ANNOTATION] === undefined ? annotations[ASSIGNED_DOMAIN_ANNOTATION] : undefined;
}

/** The labels by which routes serving the same hostname find each other and say which group they are in (see hostnameGroup). */
function hostnameLabelsOf(route: AnyRoute, built: BuiltRoute, adapter: RouteKindAdapter): Record<string, string | null> {
  const key = publishedKeyOf(route, adapter, built);
  const domain = built.model?.service.customDomainName;
  return {
    [CUSTOM_DOMAIN_LABEL]: key !== undefined && domain !== undefined ? customDomainLabelValue(domain) : null,
    [HOSTNAME_GROUP_LABEL]: key ?? null,
  };
}

export interface RouteControllerOptions {
  /** Return external-dns DNSEndpoint attachments (EXTERNAL_DNS_ENDPOINTS). */
  dnsEndpoints: boolean;
}

export function createRouteController(
  adapter: RouteKindAdapter,
  name: string,
  features: readonly string[],
  options: RouteControllerOptions,
): HookController {
  const handlers: DecoratorHandlers = {
    customize: (request) => ({ relatedResources: relatedResources(request.parent as AnyRoute, adapter) }),
    sync: (request, ctx) => sync(request, ctx, adapter, options.dnsEndpoints),
    finalize: (request, ctx) => finalize(request, ctx, adapter, options.dnsEndpoints),
  };
  return { wiring: routeWiring(adapter, name, options.dnsEndpoints), handlers, features };
}
