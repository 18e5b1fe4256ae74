import { condition, type DesiredCondition } from '../metacontroller/conditions';
import { CERTIFICATE_ARN_OPTION } from './listeners';
import { PROGRAMMED_CONDITION } from './ourKeys';
import type { RouteParent } from './routeParents';
import type { ParentStatusInput } from './routeStatus';

/**
 * A route's conditions per parent, from what resolving it found and what the data plane made of
 * it. Pure: the route controllers decide the inputs, this decides the Gateway API status.
 */

/** What the data plane did with the route in this sync. */
export type ProgrammingOutcome =
  | { state: 'programmed'; serviceArn: string; dnsName: string | undefined }
  | { state: 'pending'; waits: string[] }
  | { state: 'refused' | 'conflicted' | 'error'; message: string }
  /** Valid, accepted, but Lattice cannot serve it as asked (its hostname is another service's in the network). */
  | { state: 'hostnameTaken'; message: string }
  | { state: 'none' };

/** What resolving the route found, as far as its status is concerned. */
export interface RouteFindings {
  resolvedRefs: DesiredCondition;
  dropped: readonly { message: string }[];
  /** The route has rules, but not one of them can be programmed. */
  noValidRule: boolean;
  /** Accepted parents whose Gateway has no service network yet. */
  parentsWithoutNetwork: readonly RouteParent[];
  /** Why the route cannot be programmed at all. */
  routeProblem: string | undefined;
  /** The hostname an HTTPS listener needs a certificate for, none being known. */
  certificateNeededFor: string | undefined;
  /** Things done differently than asked, said in the Accepted message. */
  notes: readonly string[];
}

export interface RouteConditionOptions {
  /** When a missing certificate is looked for again, said in the condition. */
  certificateRecheckSeconds: number;
}

function acceptedCondition(
  parent: RouteParent,
  findings: RouteFindings,
  outcome: ProgrammingOutcome,
  options: RouteConditionOptions,
): DesiredCondition {
  const { attachment } = parent;
  if (attachment.reason !== 'Accepted') return condition('Accepted', 'False', attachment.reason, attachment.message);
  if (findings.routeProblem) return condition('Accepted', 'False', 'UnsupportedValue', findings.routeProblem);
  if (findings.certificateNeededFor) {
    const fromSecret = attachment.listeners.find((l) => l.analysis.latticeProtocol === 'HTTPS' && l.analysis.certificateFromSecret);
    if (fromSecret) {
      const gw = parent.gateway.metadata;
      return condition(
        'Accepted',
        'Unknown',
        'Pending',
        `Waiting for Gateway ${gw.namespace}/${gw.name} to import the certificate of listener ${fromSecret.analysis.listener.name}'s certificateRefs into ACM (see that listener's ResolvedRefs and Programmed conditions)`,
      );
    }
    return condition(
      'Accepted',
      'False',
      'CertificateNotFound',
      `No issued ACM certificate matches ${findings.certificateNeededFor}; name one in the Gateway listener's tls.options ${CERTIFICATE_ARN_OPTION}, or request one in ACM (checked again in ${options.certificateRecheckSeconds}s)`,
    );
  }
  if (outcome.state === 'conflicted') return condition('Accepted', 'False', 'Conflicted', outcome.message);
  if (findings.noValidRule)
    return condition(
      'Accepted',
      'False',
      'UnsupportedValue',
      `No rule can be programmed: ${findings.dropped.map((d) => d.message).join('; ')}`,
    );
  if (findings.parentsWithoutNetwork.includes(parent)) {
    const gw = parent.gateway.metadata;
    return condition('Accepted', 'Unknown', 'Pending', `Waiting for the VPC Lattice service network of Gateway ${gw.namespace}/${gw.name}`);
  }
  return condition('Accepted', 'True', 'Accepted', findings.notes.length > 0 ? `Accepted; ${findings.notes.join('; ')}` : 'Accepted');
}

function programmedCondition(outcome: ProgrammingOutcome): DesiredCondition | undefined {
  switch (outcome.state) {
    case 'programmed':
      return condition(
        PROGRAMMED_CONDITION,
        'True',
        'Programmed',
        `VPC Lattice service ${outcome.serviceArn}${outcome.dnsName ? ` (${outcome.dnsName})` : ''}`,
      );
    case 'pending':
      return condition(PROGRAMMED_CONDITION, 'False', 'Pending', outcome.waits.join('; '));
    case 'error':
      return condition(PROGRAMMED_CONDITION, 'False', 'Error', outcome.message);
    case 'refused':
      return condition(PROGRAMMED_CONDITION, 'False', 'ImmutableField', outcome.message);
    case 'hostnameTaken':
      return condition(PROGRAMMED_CONDITION, 'False', 'HostnameConflict', outcome.message);
    default:
      return undefined;
  }
}

/**
 * Accepted and ResolvedRefs for every parent; PartiallyInvalid and Programmed only where the parent
 * accepts the route (a route a parent refuses is not programmed for it, so no such condition stays).
 */
export function routeParentConditions(
  parents: readonly RouteParent[],
  findings: RouteFindings,
  outcome: ProgrammingOutcome,
  options: RouteConditionOptions,
): ParentStatusInput[] {
  return parents.map((parent) => {
    const accepted = acceptedCondition(parent, findings, outcome, options);
    const conditions = [accepted, findings.resolvedRefs];
    if (accepted.status === 'True') {
      const { dropped } = findings;
      if (dropped.length > 0) {
        conditions.push(
          condition(
            'PartiallyInvalid',
            'True',
            'UnsupportedValue',
            `Dropped Rule${dropped.length > 1 ? 's' : ''}: ${dropped.map((d) => d.message).join('; ')}`,
          ),
        );
      }
      const programmed = programmedCondition(outcome);
      if (programmed) conditions.push(programmed);
    }
    return { specRef: parent.specRef, conditions };
  });
}
