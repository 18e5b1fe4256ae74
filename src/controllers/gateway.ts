import { analyzeListeners } from '../gatewayapi/listeners';
import { attachmentsToGateway } from '../gatewayapi/attachment';
import { buildGatewayStatus, type NetworkResolution } from '../gatewayapi/gatewayStatus';
import { gatewayClassOf } from '../gatewayapi/parentRefs';
import { acceptedFor } from '../gatewayapi/routeAcceptance';
import { ASSIGNED_DOMAIN_ANNOTATION, MANAGED_LABEL, MANAGED_LABEL_VALUE, SERVICE_NETWORK_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import { GATEWAY_API_VERSION, GATEWAY_GROUP, ROUTE_KINDS, type AnyRoute, type Gateway } from '../gatewayapi/types';
import { hasNewerObservedGeneration } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf, olderFirst } from '../metacontroller/objects';
import { metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookResponse, KubeObject, RelatedResourceRule } from '../metacontroller/types';
import { resolveServiceNetwork } from '../lattice/serviceNetworks';
import { driftView, earliest, fingerprintOf, forgetVerification, skipDecision, verifiedAnswer, withVerification } from './driftCheck';
import {
  CERTIFICATE_DELETE_RETRY_SECONDS as CERTIFICATE_RETRY_SECONDS,
  certificateResolver,
  certificateResources,
  IMPORTED_CERTIFICATES_ANNOTATION,
  releaseGatewayCertificates,
  syncGatewayCertificates,
  type GatewayCertificates,
} from './gatewayCertificates';
import type { DecoratorHandlers, DecoratorWiring, HookController } from './types';

const MANAGED = { matchLabels: { [MANAGED_LABEL]: MANAGED_LABEL_VALUE } };

export const gatewayWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'gateway',
  description: 'Resolves the VPC Lattice service network of Lattice-class Gateways and writes their status.',
  resources: [{ apiVersion: GATEWAY_API_VERSION, resource: 'gateways', labelSelector: MANAGED }],
  hooks: { customize: true, finalize: true },
};

function routeResources(): RelatedResourceRule[] {
  // Only routes the classifier marked as belonging to a Lattice Gateway can attach to this one.
  return ['httproutes', 'grpcroutes', 'tlsroutes'].map((resource) => ({
    apiVersion: GATEWAY_API_VERSION,
    resource,
    labelSelector: MANAGED,
  }));
}

/**
 * What the Gateway's Lattice work (network resolution, certificate imports) depends on: the
 * Gateway without its status (routes attaching change only that), its listeners as analysed, and
 * the Secrets they use (a rotated certificate is imported again).
 */
function latticeFingerprint(gateway: Gateway, index: ObjectIndex, problem: string | undefined): string {
  const resolveRefs = certificateResolver(gateway, index);
  const analyses = analyzeListeners(gateway, resolveRefs);
  const secrets = analyses.map((a) => (a.latticeProtocol === 'HTTPS' ? resolveRefs(a.listener) : null));
  return fingerprintOf({ gateway: driftView(gateway), problem: problem ?? null, analyses, secrets });
}

function classProblem(gateway: Gateway, index: ObjectIndex): string | undefined {
  const gatewayClass = gatewayClassOf(gateway, index);
  if (!gatewayClass) return `GatewayClass ${gateway.spec.gatewayClassName} not found`;
  if (gatewayClass.spec.parametersRef)
    return `GatewayClass ${gatewayClass.metadata.name} is not accepted: it has a parametersRef this controller does not support`;
  return undefined;
}

export function createGatewayController(): HookController {
  const handlers: DecoratorHandlers = {
    customize(request) {
      const gateway = request.parent as Gateway;
      const rules: RelatedResourceRule[] = [
        { apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', names: [gateway.spec?.gatewayClassName ?? ''] },
        ...routeResources(),
        ...certificateResources(gateway),
      ];
      if ((gateway.spec?.listeners ?? []).some((l) => l.allowedRoutes?.namespaces?.from === 'Selector')) {
        rules.push({ apiVersion: 'v1', resource: 'namespaces', labelSelector: {} });
      }
      return { relatedResources: rules };
    },

    async sync(request, ctx): Promise<DecoratorHookResponse> {
      const gateway = request.object as Gateway;
      const generation = generationOf(gateway);
      if (hasNewerObservedGeneration(gateway.status?.conditions, ['Accepted', 'Programmed'], generation)) return { status: null };
      const index = ObjectIndex.fromDecoratorRequest(request);
      const namespaces = (name: string) => index.get<KubeObject>({ group: '', kind: 'Namespace', name });
      const resolveRefs = certificateResolver(gateway, index);
      const analyses = analyzeListeners(gateway, resolveRefs);
      const problem = classProblem(gateway, index);
      const knownArn = gateway.metadata.annotations?.[SERVICE_NETWORK_ARN_ANNOTATION];
      const fingerprint = (next: Gateway) => latticeFingerprint(next, index, problem);
      const decision =
        problem === undefined && knownArn
          ? skipDecision(gateway, fingerprint(gateway), ctx.now().getTime(), ctx.config.driftCheckSeconds, { busy: ctx.budgetBusy })
          : { skip: false as const };

      let network: NetworkResolution = { state: 'missing', retryAfterSeconds: 0 };
      let certificates: GatewayCertificates | undefined;
      if (decision.skip && knownArn) {
        // Verified within its drift window (or deferred): the network and certificates are as recorded.
        ctx.metrics?.syncFromRecord(gateway.kind, verifiedAnswer(decision));
        network = { state: 'found', arn: knownArn, id: knownArn.slice(knownArn.lastIndexOf('/') + 1), name: gateway.metadata.name };
        certificates = {
          annotation: gateway.metadata.annotations?.[IMPORTED_CERTIFICATES_ANNOTATION] ?? null,
          problems: new Map(),
          resyncAfterSeconds: undefined,
        };
      } else if (problem === undefined) {
        certificates = await syncGatewayCertificates(ctx, gateway, analyses, resolveRefs);
        network = await resolveServiceNetwork(ctx.aws.api, gateway.metadata.name, ctx.aws.identity.vpcId, knownArn);
      }

      const routes = ROUTE_KINDS.flatMap((kind) => index.list<AnyRoute>(GATEWAY_GROUP, kind));
      const { attachedRoutes, attached } = attachmentsToGateway(gateway, analyses, routes, namespaces, (route, ref) =>
        acceptedFor(route, ref, ctx.config.controllerName),
      );
      const addresses = attached
        // Oldest first: the first 16 stay put while a fleet attaches (the Gateway's status changing re-syncs every route).
        .sort(olderFirst)
        .map((route) => route.metadata.annotations?.[ASSIGNED_DOMAIN_ANNOTATION])
        .filter((name): name is string => typeof name === 'string' && name !== '');

      const status = buildGatewayStatus(
        {
          gateway,
          classProblem: problem,
          analyses,
          certificateProblems: certificates?.problems,
          attachedRoutes,
          network,
          addresses,
        },
        { generation, now: ctx.now().toISOString() },
      );
      const annotations = metadataPatch(gateway.metadata.annotations, {
        [SERVICE_NETWORK_ARN_ANNOTATION]: network.state === 'found' ? network.arn : null,
        ...(certificates ? { [IMPORTED_CERTIFICATES_ANNOTATION]: certificates.annotation } : {}),
      });
      const resync = earliest(
        network.state === 'missing' && problem === undefined ? network.retryAfterSeconds : undefined,
        certificates?.resyncAfterSeconds,
      );
      const answer: DecoratorHookResponse = {
        status: statusIfChanged(gateway.status, status),
        annotations,
        ...(resync !== undefined ? { resyncAfterSeconds: resync } : {}),
      };
      if (decision.skip) return { ...answer, resyncAfterSeconds: earliest(resync, decision.resyncAfterSeconds) };
      const verified = problem === undefined && network.state === 'found' && certificates?.problems.size === 0 && resync === undefined;
      return withVerification(ctx, gateway, answer, (next) => fingerprint(next as Gateway), verified);
    },

    async finalize(request, ctx) {
      // The Gateway owns nothing in Lattice (networks belong to ServiceNetwork objects or their
      // owners; routes clean up after themselves), only the certificates imported from its
      // Secrets. Our annotations are removed; the status is left to whoever manages it next.
      const gateway = request.object as Gateway;
      const released = await releaseGatewayCertificates(ctx, gateway);
      const annotations = {
        ...metadataPatch(gateway.metadata.annotations, {
          [SERVICE_NETWORK_ARN_ANNOTATION]: null,
          [IMPORTED_CERTIFICATES_ANNOTATION]: released.annotation,
        }),
        ...forgetVerification(gateway),
      };
      if (!released.done) return { annotations, resyncAfterSeconds: CERTIFICATE_RETRY_SECONDS };
      return { annotations, finalized: true };
    },
  };
  return { wiring: gatewayWiring, handlers, features: ['Gateway', 'GatewayPort8080'] };
}
