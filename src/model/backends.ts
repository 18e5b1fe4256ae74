import type { Service } from '../gatewayapi/coreTypes';
import { referencePermitted } from '../gatewayapi/referenceGrants';
import { GATEWAY_GROUP, type AnyRoute, type BackendRef } from '../gatewayapi/types';
import type { ObjectIndex } from '../metacontroller/objectIndex';

export type BackendReason = 'RefNotPermitted' | 'InvalidKind' | 'BackendNotFound' | 'UnsupportedProtocol';

export interface BackendProblem {
  reason: BackendReason;
  message: string;
}

/** A backend that can become a target group of this route. */
export interface ServiceBackend {
  /** The target group identity within the route: `<namespace>/<service>:<port>`. */
  key: string;
  service: Service;
  port: number;
  weight: number;
  ipFamily: 'IPv4' | 'IPv6';
  appProtocol: string | undefined;
}

export interface RuleBackends {
  backends: ServiceBackend[];
  problems: BackendProblem[];
}

/** Lattice weights are 0–999; Gateway API weights go to 1,000,000. */
export const LATTICE_MAX_WEIGHT = 999;

function describe(ref: BackendRef, namespace: string): string {
  const kind = ref.group ? `${ref.group}/${ref.kind ?? 'Service'}` : (ref.kind ?? 'Service');
  return `${kind} ${namespace}/${ref.name}${ref.port !== undefined ? `:${ref.port}` : ''}`;
}

/**
 * One backendRef of a rule, checked in the order the Gateway API implies: kind, then the
 * ReferenceGrant (before looking the target up, so the message never reveals whether it exists),
 * then existence, port and protocol.
 */
export function resolveBackendRef(
  route: AnyRoute,
  ref: BackendRef,
  index: ObjectIndex,
  supportsAppProtocol: (appProtocol: string | undefined) => boolean,
): { backend: ServiceBackend } | { problem: BackendProblem } {
  const routeNamespace = route.metadata.namespace ?? '';
  const namespace = ref.namespace || routeNamespace;
  const what = describe(ref, namespace);
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  if (group !== '' || kind !== 'Service') return { problem: { reason: 'InvalidKind', message: `${what}: kind ${group ? `${group}/` : ''}${kind} is not supported` } };
  const permitted = referencePermitted(
    { from: { group: GATEWAY_GROUP, kind: route.kind, namespace: routeNamespace }, to: { group: '', kind: 'Service', namespace, name: ref.name } },
    index,
  );
  if (!permitted) return { problem: { reason: 'RefNotPermitted', message: `${what}: no ReferenceGrant in namespace ${namespace} allows this reference` } };
  const service = index.get<Service>({ group: '', kind: 'Service', namespace, name: ref.name });
  if (!service) return { problem: { reason: 'BackendNotFound', message: `${what}: Service not found` } };
  if (service.spec?.type === 'ExternalName') return { problem: { reason: 'InvalidKind', message: `${what}: ExternalName Services are not supported` } };
  if (ref.port === undefined) return { problem: { reason: 'BackendNotFound', message: `${what}: port is required for a Service backend` } };
  const port = service.spec?.ports?.find((p) => p.port === ref.port);
  if (!port) return { problem: { reason: 'BackendNotFound', message: `${what}: the Service has no port ${ref.port}` } };
  if (!supportsAppProtocol(port.appProtocol)) {
    return { problem: { reason: 'UnsupportedProtocol', message: `${what}: appProtocol ${port.appProtocol} is not supported for a ${route.kind}` } };
  }
  return {
    backend: {
      key: `${namespace}/${ref.name}:${ref.port}`,
      service,
      port: ref.port,
      weight: ref.weight ?? 1,
      ipFamily: service.spec?.ipFamilies?.[0] === 'IPv6' ? 'IPv6' : 'IPv4',
      appProtocol: port.appProtocol,
    },
  };
}

/** All backendRefs of one rule; several refs to one Service port add up their weights. */
export function resolveRuleBackends(
  route: AnyRoute,
  refs: readonly BackendRef[],
  index: ObjectIndex,
  supportsAppProtocol: (appProtocol: string | undefined) => boolean,
): RuleBackends {
  const byKey = new Map<string, ServiceBackend>();
  const problems: BackendProblem[] = [];
  for (const ref of refs) {
    const result = resolveBackendRef(route, ref, index, supportsAppProtocol);
    if ('problem' in result) {
      problems.push(result.problem);
      continue;
    }
    const existing = byKey.get(result.backend.key);
    if (existing) existing.weight += result.backend.weight;
    else byKey.set(result.backend.key, result.backend);
  }
  return { backends: [...byKey.values()], problems };
}

/** Weights scaled into Lattice's 0–999 keeping their ratios; a non-zero weight never rounds down to 0. */
export function latticeWeights(weights: readonly number[]): number[] {
  const max = Math.max(0, ...weights);
  if (max <= LATTICE_MAX_WEIGHT) return [...weights];
  return weights.map((w) => (w === 0 ? 0 : Math.max(1, Math.round((w * LATTICE_MAX_WEIGHT) / max))));
}
