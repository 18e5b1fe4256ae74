import type { BackendRef, GRPCRoute, GRPCRouteRule, HTTPRoute, HTTPRouteRule, RouteKind, AnyRoute, TLSRoute } from '../gatewayapi/types';
import { grpcRuleEntries } from './grpcRules';
import { httpRuleEntries, unsupportedRuleFeatures } from './httpRules';
import type { BackendRules, ServiceBackend } from './backends';
import type { MatchEntry } from './rules';
import type { TargetGroupProtocol, TargetGroupProtocolVersion } from './targetGroups';

/**
 * What differs between route kinds: how rules become Lattice matches (or, for TLS passthrough,
 * the listener's default action), which backends they accept and what their target groups speak.
 * Everything else — attachment, backends, naming, planning, status — is one pipeline.
 */
export interface RouteKindAdapter extends BackendRules {
  kind: RouteKind;
  /** `RouteType` tag value (Go controller compatible). */
  routeType: 'http' | 'grpc' | 'tls';
  /** `rules`: Lattice listener rules; `defaultAction`: the single rule is the listener's default action. */
  mode: 'rules' | 'defaultAction';
  rules(route: AnyRoute): { name?: string; backendRefs?: BackendRef[] }[];
  /** Lattice match entries of one rule, or why it cannot be programmed. */
  entries(route: AnyRoute, ruleIndex: number): { entries: MatchEntry[] } | { problem: string };
  /** Why the route as a whole cannot be programmed (undefined when it can). */
  routeProblem(route: AnyRoute): string | undefined;
  targetGroupProtocol(backend: ServiceBackend): { protocol: TargetGroupProtocol; protocolVersion: TargetGroupProtocolVersion | undefined };
}

const HTTP_APP_PROTOCOLS = new Set(['http', 'HTTP', 'https', 'HTTPS', 'kubernetes.io/h2c']);
const GRPC_APP_PROTOCOLS = new Set(['grpc', 'GRPC', 'kubernetes.io/h2c', 'h2c', 'http2', 'HTTP2']);

export const httpRouteAdapter: RouteKindAdapter = {
  kind: 'HTTPRoute',
  routeType: 'http',
  mode: 'rules',
  rules: (route) => (route as HTTPRoute).spec?.rules ?? [{}],
  entries(route, ruleIndex) {
    const rules = (route as HTTPRoute).spec?.rules ?? [{}];
    return httpRuleEntries((rules[ruleIndex] ?? {}) as HTTPRouteRule, ruleIndex);
  },
  routeProblem: () => undefined,
  supportsAppProtocol: (appProtocol) => appProtocol === undefined || HTTP_APP_PROTOCOLS.has(appProtocol),
  acceptsTargetGroup: (protocol, version) => (protocol === 'HTTP' || protocol === 'HTTPS') && version !== 'GRPC',
  acceptsLambda: true,
  targetGroupProtocol(backend) {
    if (backend.appProtocol?.toLowerCase() === 'https') return { protocol: 'HTTPS', protocolVersion: 'HTTP1' };
    if (backend.appProtocol === 'kubernetes.io/h2c') return { protocol: 'HTTP', protocolVersion: 'HTTP2' };
    return { protocol: 'HTTP', protocolVersion: 'HTTP1' };
  },
};

export const grpcRouteAdapter: RouteKindAdapter = {
  kind: 'GRPCRoute',
  routeType: 'grpc',
  mode: 'rules',
  rules: (route) => (route as GRPCRoute).spec?.rules ?? [{}],
  entries(route, ruleIndex) {
    const rules = (route as GRPCRoute).spec?.rules ?? [{}];
    return grpcRuleEntries((rules[ruleIndex] ?? {}) as GRPCRouteRule, ruleIndex);
  },
  routeProblem: () => undefined,
  supportsAppProtocol: (appProtocol) => appProtocol === undefined || GRPC_APP_PROTOCOLS.has(appProtocol),
  acceptsTargetGroup: (protocol, version) => (protocol === 'HTTP' || protocol === 'HTTPS') && version === 'GRPC',
  acceptsLambda: false,
  targetGroupProtocol: () => ({ protocol: 'HTTP', protocolVersion: 'GRPC' }),
};

export const tlsRouteAdapter: RouteKindAdapter = {
  kind: 'TLSRoute',
  routeType: 'tls',
  mode: 'defaultAction',
  rules: (route) => (route as TLSRoute).spec?.rules ?? [],
  entries(route, ruleIndex) {
    const rule = ((route as TLSRoute).spec?.rules ?? [])[ruleIndex] ?? {};
    const unsupported = unsupportedRuleFeatures(rule);
    return unsupported.length > 0 ? { problem: `rule ${ruleIndex}: ${unsupported.join('; ')}` } : { entries: [] };
  },
  routeProblem(route) {
    const tls = route as TLSRoute;
    // Lattice passes TLS through by SNI on the service's custom domain: a hostname is required.
    if ((tls.spec?.hostnames ?? []).length === 0)
      return 'A TLSRoute needs at least one hostname: VPC Lattice routes TLS passthrough by the service custom domain';
    const rules = tls.spec?.rules?.length ?? 0;
    if (rules !== 1)
      return `A TLSRoute must have exactly one rule for VPC Lattice (it has ${rules}): the rule becomes the listener's default action`;
    return undefined;
  },
  supportsAppProtocol: () => true,
  acceptsTargetGroup: (protocol) => protocol === 'TCP',
  acceptsLambda: false,
  targetGroupProtocol: () => ({ protocol: 'TCP', protocolVersion: undefined }),
};
