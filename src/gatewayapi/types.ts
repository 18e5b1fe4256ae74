import type { KubeObject, LabelSelector } from '../metacontroller/types';

/**
 * Typed views of the Gateway API objects (v1, standard channel). Fields are optional wherever the
 * API server may leave them unset (defaults are applied by the readers in this folder, not
 * assumed), because hooks also receive objects that were never defaulted (v1beta1, tests).
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const GATEWAY_API_VERSION = `${GATEWAY_GROUP}/v1`;
/** ReferenceGrant is stored as v1beta1 and served as such by every supported bundle. */
export const REFERENCE_GRANT_API_VERSION = `${GATEWAY_GROUP}/v1beta1`;

export interface ParametersReference {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface GatewayClassSpec {
  controllerName: string;
  parametersRef?: ParametersReference;
  description?: string;
}

export interface GatewayClass extends KubeObject {
  spec: GatewayClassSpec;
  status?: { conditions?: unknown[]; supportedFeatures?: { name: string }[]; [field: string]: unknown };
}

export type ProtocolType = 'HTTP' | 'HTTPS' | 'TLS' | 'TCP' | 'UDP' | string;

export interface RouteGroupKind {
  group?: string;
  kind: string;
}

export interface AllowedRoutes {
  namespaces?: { from?: 'All' | 'Same' | 'Selector' | string; selector?: LabelSelector };
  kinds?: RouteGroupKind[];
}

export interface SecretObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface GatewayTLSConfig {
  mode?: 'Terminate' | 'Passthrough' | string;
  certificateRefs?: SecretObjectReference[];
  options?: Record<string, string>;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: ProtocolType;
  tls?: GatewayTLSConfig;
  allowedRoutes?: AllowedRoutes;
}

export interface GatewaySpec {
  gatewayClassName: string;
  listeners: Listener[];
  addresses?: { type?: string; value?: string }[];
  infrastructure?: {
    parametersRef?: { group: string; kind: string; name: string };
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

export interface Gateway extends KubeObject {
  spec: GatewaySpec;
  status?: { conditions?: unknown[]; listeners?: unknown[]; addresses?: unknown[]; [field: string]: unknown };
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: unknown[];
}

export interface HTTPPathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression' | string;
  value?: string;
}

export interface HTTPHeaderMatch {
  type?: 'Exact' | 'RegularExpression' | string;
  name: string;
  value: string;
}

export interface HTTPQueryParamMatch {
  type?: 'Exact' | 'RegularExpression' | string;
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: { type: string; [field: string]: unknown }[];
  backendRefs?: BackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
  [field: string]: unknown;
}

export interface CommonRouteSpec {
  parentRefs?: ParentReference[];
  hostnames?: string[];
}

export interface RouteStatus {
  parents?: unknown[];
  [field: string]: unknown;
}

export interface HTTPRoute extends KubeObject {
  spec: CommonRouteSpec & { rules?: HTTPRouteRule[] };
  status?: RouteStatus;
}

export interface GRPCMethodMatch {
  type?: 'Exact' | 'RegularExpression' | string;
  service?: string;
  method?: string;
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch;
  headers?: HTTPHeaderMatch[];
}

export interface GRPCRouteRule {
  name?: string;
  matches?: GRPCRouteMatch[];
  filters?: { type: string; [field: string]: unknown }[];
  backendRefs?: BackendRef[];
  [field: string]: unknown;
}

export interface GRPCRoute extends KubeObject {
  spec: CommonRouteSpec & { rules?: GRPCRouteRule[] };
  status?: RouteStatus;
}

export interface TLSRouteRule {
  name?: string;
  backendRefs?: BackendRef[];
  [field: string]: unknown;
}

export interface TLSRoute extends KubeObject {
  spec: CommonRouteSpec & { rules?: TLSRouteRule[] };
  status?: RouteStatus;
}

export type AnyRoute = HTTPRoute | GRPCRoute | TLSRoute;
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

export interface ReferenceGrant extends KubeObject {
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
  };
}

export function isRouteKind(kind: string): kind is RouteKind {
  return (ROUTE_KINDS as readonly string[]).includes(kind);
}
