import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/**
 * Deterministic Lattice names. Lattice names are 3–N of a-z, 0-9 and '-', without a
 * leading, trailing or double '-', and some prefixes are reserved (`svc-`, `tg-`, `listener-`, `rule-`).
 */

const LATTICE_NAME = /^(?!-)(?!.*-$)(?!.*--)[a-z0-9-]+$/;
const SERVICE_NAME_MAX = 40;
const TARGET_GROUP_NAME_MAX = 128;

function shortHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** Kubernetes names may hold '.', which Lattice refuses; runs of '-' collapse. */
function sanitize(part: string): string {
  return part
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

function cut(part: string, length: number): string {
  return part.slice(0, length).replace(/-+$/, '');
}

/** Why a `service-name-override` value is not a usable Lattice service name (undefined when it is). */
export function serviceNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > SERVICE_NAME_MAX) return `must be 3 to ${SERVICE_NAME_MAX} characters long`;
  if (!LATTICE_NAME.test(name)) return "may hold only a-z, 0-9 and '-', without a leading, trailing or double '-'";
  if (name.startsWith('svc-')) return 'must not start with "svc-"';
  return undefined;
}

/**
 * `<route>-<namespace>` when that is already a valid name of at most 40 characters (the Go
 * controller's form, so adopted services keep their DNS names); otherwise shortened parts plus a
 * hash of `namespace/name`, so that two routes never get the same name by truncation.
 */
export function latticeServiceName(routeNamespace: string, routeName: string): string {
  const plain = `${routeName}-${routeNamespace}`;
  if (serviceNameProblem(plain) === undefined) return plain;
  // A part that sanitizes to nothing is left out, never joined as an empty part ("--").
  const hashed = [cut(sanitize(routeName), 16), cut(sanitize(routeNamespace), 14), shortHash(`${routeNamespace}/${routeName}`, 8)]
    .filter((part) => part !== '')
    .join('-');
  return hashed.startsWith('svc-') ? `k8s-${hashed}`.slice(0, SERVICE_NAME_MAX) : hashed;
}

/** The identity a target group is named after; anything that cannot change in place is part of it. */
export interface TargetGroupIdentity {
  owner: string;
  routeKind: string;
  routeNamespace: string;
  routeName: string;
  serviceNamespace: string;
  serviceName: string;
  /** `lambda` for a LAMBDA group. */
  port: number | 'lambda';
  protocol: string;
  protocolVersion: string;
  ipAddressType: string;
  /** LAMBDA groups: the function they invoke. */
  functionArn?: string;
}

/** `k8s-<route>-<service>-<port>-<hash>`: readable, unique per identity, at most 128 characters. */
export function targetGroupName(identity: TargetGroupIdentity): string {
  const readable = [
    cut(sanitize(identity.routeName), 30),
    cut(sanitize(identity.serviceNamespace), 30),
    cut(sanitize(identity.serviceName), 30),
    String(identity.port),
  ]
    .filter((p) => p !== '')
    .join('-');
  return `k8s-${readable}-${shortHash(canonicalJson(identity), 12)}`.slice(0, TARGET_GROUP_NAME_MAX);
}

/** The name prefix every target group of a route starts with (other routes may share it: check the tags). */
export function routeTargetGroupPrefix(routeName: string): string {
  return `k8s-${cut(sanitize(routeName), 30)}-`;
}

/** One Lattice listener per port of a service: `http-80`, `https-443`, `tls-8443`. */
export function listenerName(protocol: 'HTTP' | 'HTTPS' | 'TLS_PASSTHROUGH', port: number): string {
  return `${protocol === 'TLS_PASSTHROUGH' ? 'tls' : protocol.toLowerCase()}-${port}`;
}

/** Rules are named after their match, so an unchanged match keeps its rule (updated in place). */
export function ruleName(match: unknown): string {
  return `k8s-${shortHash(canonicalJson(match), 16)}`;
}

/** The name prefix of the target groups exported for `namespace/name`: how importers narrow their search. */
export function exportTargetGroupPrefix(namespace: string, exportName: string): string {
  return `k8s-export-${cut(sanitize(namespace), 30)}-${cut(sanitize(exportName), 30)}-`;
}

export interface ExportTargetGroupIdentity {
  owner: string;
  namespace: string;
  exportName: string;
  port: number;
  protocol: string;
  protocolVersion: string;
  ipAddressType: string;
}

/** `k8s-export-<namespace>-<export>-<port>-<hash>`: deterministic per cluster and configuration. */
export function exportTargetGroupName(identity: ExportTargetGroupIdentity): string {
  return `${exportTargetGroupPrefix(identity.namespace, identity.exportName)}${identity.port}-${shortHash(canonicalJson(identity), 12)}`.slice(
    0,
    TARGET_GROUP_NAME_MAX,
  );
}
