import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { copyStatus } from '../metacontroller/response';
import type { ListenerAnalysis } from './listeners';
import type { Gateway } from './types';

/** What the Gateway hook found in Lattice for the Gateway's service network. */
export type NetworkResolution =
  | { state: 'found'; arn: string; id: string; name: string }
  | { state: 'missing'; retryAfterSeconds: number }
  | { state: 'ambiguous'; candidates: string[] };

export interface GatewayFacts {
  gateway: Gateway;
  /** Undefined when the class is accepted; otherwise why not. */
  classProblem: string | undefined;
  analyses: readonly ListenerAnalysis[];
  /** Listener name → why its certificate could not be imported into ACM. */
  certificateProblems?: ReadonlyMap<string, string> | undefined;
  attachedRoutes: ReadonlyMap<string, number>;
  network: NetworkResolution;
  /** Lattice DNS names of the routes attached to this Gateway, oldest route first. */
  addresses: readonly string[];
}

const GATEWAY_CONDITIONS = ['Accepted', 'Programmed'] as const;
const LISTENER_CONDITIONS = ['Accepted', 'ResolvedRefs', 'Programmed', 'Conflicted'] as const;
const MAX_ADDRESSES = 16;

/** Gateway fields VPC Lattice has nothing to do with: said in the Accepted message, never silently dropped. */
function unusedFields(gateway: Gateway): string[] {
  const spec = gateway.spec as Gateway['spec'] & { tls?: unknown; allowedListeners?: unknown };
  const notes: string[] = [];
  if (spec.tls !== undefined)
    notes.push('spec.tls (client certificate validation, backend TLS) is not supported by VPC Lattice and has no effect');
  const infrastructure = spec.infrastructure;
  if (infrastructure?.labels !== undefined || infrastructure?.annotations !== undefined)
    notes.push('spec.infrastructure labels and annotations have no effect: VPC Lattice runs no per-Gateway infrastructure');
  if (spec.allowedListeners !== undefined) notes.push('spec.allowedListeners has no effect: ListenerSets are not supported');
  return notes;
}

export function gatewayAccepted(facts: Pick<GatewayFacts, 'gateway' | 'classProblem' | 'analyses'>): DesiredCondition {
  const { gateway, classProblem, analyses } = facts;
  if (classProblem !== undefined) return condition('Accepted', 'False', 'Invalid', classProblem);
  const parametersRef = gateway.spec.infrastructure?.parametersRef;
  if (parametersRef) {
    return condition(
      'Accepted',
      'False',
      'InvalidParameters',
      `infrastructure.parametersRef ${parametersRef.group}/${parametersRef.kind} ${parametersRef.name} is not supported`,
    );
  }
  if ((gateway.spec.addresses ?? []).length > 0) {
    return condition(
      'Accepted',
      'False',
      'UnsupportedAddress',
      'spec.addresses is not supported: VPC Lattice assigns a DNS name to each route',
    );
  }
  const invalid = analyses.filter((a) => !a.usable || a.accepted.status !== 'True').map((a) => a.listener.name);
  const notes = unusedFields(gateway);
  if (invalid.length === 0)
    return condition(
      'Accepted',
      'True',
      'Accepted',
      notes.length > 0 ? `Accepted; ${notes.join('; ')}` : 'Accepted by lattice-gateway-hooks',
    );
  const message = [`Invalid listeners: ${invalid.join(', ')}`, ...notes].join('; ');
  return invalid.length === analyses.length
    ? condition('Accepted', 'False', 'ListenersNotValid', message)
    : condition('Accepted', 'True', 'ListenersNotValid', message);
}

export function gatewayProgrammed(accepted: DesiredCondition, network: NetworkResolution, networkName: string): DesiredCondition {
  if (accepted.status !== 'True') return condition('Programmed', 'False', 'Invalid', 'The Gateway is not accepted');
  switch (network.state) {
    case 'found':
      return condition('Programmed', 'True', 'Programmed', `aws-service-network-arn: ${network.arn}`);
    case 'missing':
      return condition(
        'Programmed',
        'False',
        'Pending',
        `VPC Lattice service network "${networkName}" not found (create it, e.g. with a ServiceNetwork resource, or share it with this account through RAM); checking again in ${network.retryAfterSeconds}s`,
      );
    case 'ambiguous':
      return condition(
        'Programmed',
        'False',
        'Invalid',
        `Found ${network.candidates.length} VPC Lattice service networks matching "${networkName}" (${network.candidates.join(', ')}): keep only one with this name, or name the Gateway after the service network's id`,
      );
  }
}

function listenerProgrammed(
  analysis: ListenerAnalysis,
  network: NetworkResolution,
  certificateProblem: string | undefined,
): DesiredCondition {
  if (!analysis.usable || analysis.accepted.status !== 'True')
    return condition('Programmed', 'False', 'Invalid', 'The listener is not accepted');
  if (analysis.resolvedRefs.status !== 'True') return condition('Programmed', 'False', 'Invalid', analysis.resolvedRefs.message);
  if (certificateProblem !== undefined) return condition('Programmed', 'False', 'Invalid', certificateProblem);
  if (network.state !== 'found') return condition('Programmed', 'False', 'Pending', 'Waiting for the service network');
  return condition('Programmed', 'True', 'Programmed');
}

function existingListeners(status: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const entry of (status.listeners as unknown[] | undefined) ?? []) {
    if (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string') {
      found.set((entry as { name: string }).name, entry as Record<string, unknown>);
    }
  }
  return found;
}

/**
 * The whole Gateway status: conditions of other writers kept, listener entries rebuilt for the
 * current spec listeners (removed ones dropped), addresses as Hostname entries.
 */
export function buildGatewayStatus(facts: GatewayFacts, options: { generation: number; now: string }): Record<string, unknown> {
  const current = copyStatus(facts.gateway.status);
  const accepted = gatewayAccepted(facts);
  const programmed = gatewayProgrammed(accepted, facts.network, facts.gateway.metadata.name);
  const status = current;
  status.conditions = mergeConditions(current.conditions as unknown[] | undefined, [accepted, programmed], {
    ...options,
    ownedTypes: GATEWAY_CONDITIONS,
  });

  const previous = existingListeners(current);
  status.listeners = facts.analyses.map((analysis) => {
    const desired = [
      analysis.accepted,
      analysis.resolvedRefs,
      listenerProgrammed(analysis, facts.network, facts.certificateProblems?.get(analysis.listener.name)),
    ];
    if (analysis.conflicted) desired.push(analysis.conflicted);
    const before = previous.get(analysis.listener.name);
    return {
      name: analysis.listener.name,
      supportedKinds: analysis.supportedKinds.map((k) => ({ group: k.group, kind: k.kind })),
      attachedRoutes: facts.attachedRoutes.get(analysis.listener.name) ?? 0,
      conditions: mergeConditions(before?.conditions as unknown[] | undefined, desired, { ...options, ownedTypes: LISTENER_CONDITIONS }),
    };
  });

  const addresses = [...new Set(facts.addresses)].slice(0, MAX_ADDRESSES);
  if (addresses.length > 0) status.addresses = addresses.map((value) => ({ type: 'Hostname', value }));
  else delete status.addresses;
  return status;
}
