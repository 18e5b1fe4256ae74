import type { Service } from '../gatewayapi/coreTypes';
import { referencePermitted } from '../gatewayapi/referenceGrants';
import { GATEWAY_GROUP, type AnyRoute, type BackendRef } from '../gatewayapi/types';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { KubeObject } from '../metacontroller/types';
import { OUR_API_GROUP } from '../gatewayapi/ourKeys';
import { describeCandidates } from './importCandidates';
import type { AwsIdentity } from './identity';
import { LAMBDA_TARGET_KIND, type EventStructureVersion, type FunctionLookup } from './lambdaTargets';
import { resolveLambdaTarget } from './lambdaBackends';

export type BackendReason = 'RefNotPermitted' | 'InvalidKind' | 'BackendNotFound' | 'UnsupportedProtocol';

export interface BackendProblem {
  reason: BackendReason;
  message: string;
}

/** A backend that can become a target group of this route. */
export interface ServiceBackend {
  kind: 'service';
  /** The target group identity within the route: `<namespace>/<service>:<port>`. */
  key: string;
  service: Service;
  port: number;
  weight: number;
  ipFamily: 'IPv4' | 'IPv6';
  appProtocol: string | undefined;
}

/** A target group exported by another cluster (or named by ARN), reached through a ServiceImport. */
export interface ImportedBackend {
  kind: 'import';
  /** `import:<namespace>/<name>:<port>` within the route. */
  key: string;
  weight: number;
  targetGroup: ImportedTargetGroup;
}

/** What a ServiceImport's hook resolved and recorded in its status. */
export interface ImportedTargetGroup {
  arn: string;
  id: string;
  port?: number;
  protocol?: string;
  protocolVersion?: string;
  clusterName?: string;
  vpcId?: string;
}

/** A Lambda function named by a LambdaTarget: one LAMBDA target group per route. */
export interface LambdaBackend {
  kind: 'lambda';
  /** `lambda:<namespace>/<name>` within the route. */
  key: string;
  weight: number;
  namespace: string;
  name: string;
  functionArn: string;
  eventStructureVersion: EventStructureVersion;
  /** The function does not exist: its target group gets no target, so its share of requests fails. */
  missing: boolean;
}

export type Backend = ServiceBackend | ImportedBackend | LambdaBackend;

/** What the route hook read before building the model, for the backends that need AWS to judge. */
export interface BackendLookups {
  /** Imported target groups Lattice says the route cannot use, by ARN, with why. */
  unavailable?: ReadonlyMap<string, string>;
  /** Functions of LambdaTarget backends, by ARN (absent: not read, taken as existing). */
  functions?: ReadonlyMap<string, FunctionLookup>;
  /** Account and Region a function must be in. */
  identity?: Pick<AwsIdentity, 'accountId' | 'region'>;
}

/** A resolved backend; `problem` too when it is kept but cannot serve (a missing function). */
export type BackendResolution = { backend: Backend; problem?: BackendProblem } | { problem: BackendProblem };

export interface RuleBackends {
  backends: Backend[];
  problems: BackendProblem[];
}

/** The route kind's view of backends: which Service appProtocols and which imported target groups it can use. */
export interface BackendRules {
  supportsAppProtocol(appProtocol: string | undefined): boolean;
  acceptsTargetGroup(protocol: string | undefined, protocolVersion: string | undefined): boolean;
  /** Lattice invokes Lambda functions over HTTP and HTTPS only. */
  acceptsLambda: boolean;
}

export const SERVICE_IMPORT_KIND = 'ServiceImport';

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
  rules: BackendRules,
  lookups: BackendLookups = {},
): BackendResolution {
  const routeNamespace = route.metadata.namespace ?? '';
  const namespace = ref.namespace || routeNamespace;
  const what = describe(ref, namespace);
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  const isImport = group === OUR_API_GROUP && kind === SERVICE_IMPORT_KIND;
  const isLambda = group === OUR_API_GROUP && kind === LAMBDA_TARGET_KIND;
  if (!isImport && !isLambda && (group !== '' || kind !== 'Service'))
    return { problem: { reason: 'InvalidKind', message: `${what}: kind ${group ? `${group}/` : ''}${kind} is not supported` } };
  if (isLambda && !rules.acceptsLambda) {
    return {
      problem: {
        reason: 'InvalidKind',
        message: `${what}: a ${route.kind} cannot forward to a Lambda function (VPC Lattice invokes Lambda functions over HTTP and HTTPS only)`,
      },
    };
  }
  const permitted = referencePermitted(
    { from: { group: GATEWAY_GROUP, kind: route.kind, namespace: routeNamespace }, to: { group, kind, namespace, name: ref.name } },
    index,
  );
  if (!permitted)
    return {
      problem: { reason: 'RefNotPermitted', message: `${what}: no ReferenceGrant in namespace ${namespace} allows this reference` },
    };
  if (isImport) return resolveImport(ref, namespace, what, index, rules, lookups.unavailable ?? new Map());
  if (isLambda) return resolveLambdaTarget(ref, namespace, what, index, lookups);
  const supportsAppProtocol = rules.supportsAppProtocol;
  const service = index.get<Service>({ group: '', kind: 'Service', namespace, name: ref.name });
  if (!service) return { problem: { reason: 'BackendNotFound', message: `${what}: Service not found` } };
  if (service.spec?.type === 'ExternalName')
    return { problem: { reason: 'InvalidKind', message: `${what}: ExternalName Services are not supported` } };
  if (ref.port === undefined) return { problem: { reason: 'BackendNotFound', message: `${what}: port is required for a Service backend` } };
  const port = service.spec?.ports?.find((p) => p.port === ref.port);
  if (!port) return { problem: { reason: 'BackendNotFound', message: `${what}: the Service has no port ${ref.port}` } };
  if (!supportsAppProtocol(port.appProtocol)) {
    return {
      problem: { reason: 'UnsupportedProtocol', message: `${what}: appProtocol ${port.appProtocol} is not supported for a ${route.kind}` },
    };
  }
  return {
    backend: {
      kind: 'service',
      key: `${namespace}/${ref.name}:${ref.port}`,
      service,
      port: ref.port,
      weight: ref.weight ?? 1,
      ipFamily: service.spec?.ipFamilies?.[0] === 'IPv6' ? 'IPv6' : 'IPv4',
      appProtocol: port.appProtocol,
    },
  };
}

/**
 * A ServiceImport backend: the exported target group its hook recorded in status for this port
 * and this route's protocol. No candidate, or several (the same export in two clusters), is
 * reported — never a silent pick; so is a group Lattice said the route cannot use (`unavailable`).
 */
function resolveImport(
  ref: BackendRef,
  namespace: string,
  what: string,
  index: ObjectIndex,
  rules: BackendRules,
  unavailable: ReadonlyMap<string, string>,
): { backend: ImportedBackend } | { problem: BackendProblem } {
  const serviceImport = index.get<KubeObject & { status?: { targetGroups?: ImportedTargetGroup[] } }>({
    group: OUR_API_GROUP,
    kind: SERVICE_IMPORT_KIND,
    namespace,
    name: ref.name,
  });
  if (!serviceImport) return { problem: { reason: 'BackendNotFound', message: `${what}: ServiceImport not found` } };
  const all = serviceImport.status?.targetGroups ?? [];
  const onPort = all.filter((tg) => ref.port === undefined || tg.port === undefined || tg.port === ref.port);
  if (onPort.length === 0) {
    return {
      problem: {
        reason: 'BackendNotFound',
        message: `${what}: no exported target group${ref.port !== undefined ? ` for port ${ref.port}` : ''} (is the Service exported with a ServiceExport?)`,
      },
    };
  }
  // The same export as TLS and HTTP on one port is two groups, but only one fits this route.
  const candidates = onPort.filter((tg) => rules.acceptsTargetGroup(tg.protocol, tg.protocolVersion));
  const [first] = onPort as [ImportedTargetGroup];
  if (candidates.length === 0) {
    return {
      problem: {
        reason: 'UnsupportedProtocol',
        message: `${what}: the exported target group speaks ${first.protocol}/${first.protocolVersion ?? '-'}`,
      },
    };
  }
  if (candidates.length > 1) {
    return {
      problem: {
        reason: 'BackendNotFound',
        message: `${what}: ${candidates.length} exported target groups match (${describeCandidates(candidates)}); narrow the ServiceImport with the ${OUR_API_GROUP}/aws-eks-cluster-name or aws-vpc annotation`,
      },
    };
  }
  const [targetGroup] = candidates as [ImportedTargetGroup];
  const why = unavailable.get(targetGroup.arn);
  if (why !== undefined) return { problem: { reason: 'BackendNotFound', message: `${what}: ${why}` } };
  return {
    backend: {
      kind: 'import',
      key: `import:${namespace}/${ref.name}:${targetGroup.port ?? ref.port ?? 0}`,
      weight: ref.weight ?? 1,
      targetGroup,
    },
  };
}

/** All backendRefs of one rule; several refs to one backend add up their weights. */
export function resolveRuleBackends(
  route: AnyRoute,
  refs: readonly BackendRef[],
  index: ObjectIndex,
  rules: BackendRules,
  lookups: BackendLookups = {},
): RuleBackends {
  const byKey = new Map<string, Backend>();
  const problems: BackendProblem[] = [];
  for (const ref of refs) {
    const result = resolveBackendRef(route, ref, index, rules, lookups);
    if (result.problem) problems.push(result.problem);
    if (!('backend' in result)) continue;
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

/**
 * The exported target groups the route's ServiceImport backends resolve to. The route hook reads
 * them in Lattice before it builds the model, so the model is built once, knowing which it cannot use.
 */
export function importedTargetGroupArns(
  route: AnyRoute,
  rules: readonly { backendRefs?: BackendRef[] }[],
  index: ObjectIndex,
  backendRules: BackendRules,
): string[] {
  const arns = new Set<string>();
  for (const rule of rules) {
    for (const backend of resolveRuleBackends(route, rule.backendRefs ?? [], index, backendRules).backends)
      if (backend.kind === 'import') arns.add(backend.targetGroup.arn);
  }
  return [...arns].sort();
}

/** The functions the route's LambdaTarget backends name: read (GetFunction) before the model is built. */
export function lambdaFunctionArns(
  route: AnyRoute,
  rules: readonly { backendRefs?: BackendRef[] }[],
  index: ObjectIndex,
  backendRules: BackendRules,
  identity: BackendLookups['identity'],
): string[] {
  const arns = new Set<string>();
  for (const rule of rules) {
    for (const backend of resolveRuleBackends(route, rule.backendRefs ?? [], index, backendRules, { identity }).backends)
      if (backend.kind === 'lambda') arns.add(backend.functionArn);
  }
  return [...arns].sort();
}
