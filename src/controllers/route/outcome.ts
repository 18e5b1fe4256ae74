import { ASSIGNED_DOMAIN_ANNOTATION, SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { ProgrammingOutcome } from '../../gatewayapi/routeConditions';
import type { AnyRoute } from '../../gatewayapi/types';
import { awsErrorMessage } from '../../lattice/awsErrors';
import type { ApplyResult } from '../../lattice/routeApply';
import type { RoutePlan } from '../../lattice/routePlan';
import { metadataPatch } from '../../metacontroller/response';
import type { MetadataPatch } from '../../metacontroller/types';
import type { BuiltRoute } from '../../model/routeModel';
import { SHARED_SERVICE_ANNOTATION } from '../../model/hostnameGroup';
import { DISCOVERED_CERTIFICATE_ANNOTATION } from './certificate';
import { recordedTargetGroups, targetGroupsPatch } from '../targetGroupRecord';

/** What happened in Lattice during a sync, with what the route must record of it. */
export type LatticeOutcome = ProgrammingOutcome & {
  /** The route's Lattice service, while it exists. */
  serviceArn: string | undefined;
  /** The service's DNS name, while it exists (the external-dns record points at it). */
  dnsName: string | undefined;
  /** Our target groups that exist: recorded so that none is forgotten. */
  targetGroupArns: string[];
  /** A follower's: the service of its hostname group it put its rules into (`serviceArn` is then that service, not its own). */
  sharedServiceArn?: string;
};

export const PENDING_RESYNC_SECONDS = 5;
const NETWORK_RESYNC_SECONDS = 30;
const ERROR_RESYNC_SECONDS = 60;
export const CERTIFICATE_RESYNC_SECONDS = 60;

export function nothingInLattice(): LatticeOutcome {
  return { state: 'none', serviceArn: undefined, dnsName: undefined, targetGroupArns: [] };
}

export function outcomeOf(plan: RoutePlan, result: ApplyResult): LatticeOutcome {
  const { targetGroupArns } = result;
  if (result.conflict) return { state: 'conflicted', message: result.conflict, serviceArn: undefined, dnsName: undefined, targetGroupArns };
  const waits = [...plan.waits, ...result.waits];
  if (!result.service)
    return {
      state: 'pending',
      waits: ['the Lattice service is being created'],
      serviceArn: undefined,
      dnsName: undefined,
      targetGroupArns,
    };
  const { arn: serviceArn, dnsName } = result.service;
  if (plan.refusals.length > 0) return { state: 'refused', message: plan.refusals.join('; '), serviceArn, dnsName, targetGroupArns };
  // The service is kept, outside the network; no DNS record may point at it meanwhile.
  if (result.domainConflicts.length > 0)
    return { state: 'hostnameTaken', message: result.domainConflicts.join('; '), serviceArn, dnsName: undefined, targetGroupArns };
  if (waits.length > 0) return { state: 'pending', waits, serviceArn, dnsName, targetGroupArns };
  return { state: 'programmed', serviceArn, dnsName, targetGroupArns };
}

/**
 * A pass from the last pass's picture that finished the route reports it still pending: only a
 * full observation (the next pass's) reports it Programmed, and records it verified.
 */
export function fullObservationFirst(outcome: LatticeOutcome): LatticeOutcome {
  if (outcome.state !== 'programmed') return outcome;
  return { ...outcome, state: 'pending', waits: ['checking the route in Lattice before reporting it programmed'] };
}

/** A follower's outcome names the shared service as the one it programs, and records it as shared, not as its own. */
export function sharedVia(outcome: LatticeOutcome, sharedServiceArn: string | undefined): LatticeOutcome {
  return sharedServiceArn === undefined ? outcome : { ...outcome, sharedServiceArn };
}

/** Nothing done this pass but waiting: every record stays as it is. */
export function pendingOutcome(route: AnyRoute, waits: string[]): LatticeOutcome {
  const annotations = route.metadata.annotations;
  const serviceArn = annotations?.[SERVICE_ARN_ANNOTATION];
  const sharedServiceArn = annotations?.[SHARED_SERVICE_ANNOTATION];
  return {
    state: 'pending',
    waits,
    serviceArn,
    dnsName: serviceArn ? annotations?.[ASSIGNED_DOMAIN_ANNOTATION] : undefined,
    targetGroupArns: recordedTargetGroups(route),
    ...(sharedServiceArn !== undefined ? { sharedServiceArn } : {}),
  };
}

/** The route handed its service to `successor` (the new leader of its hostname group): it records no service now. */
export function handedOver(route: AnyRoute, successor: string): LatticeOutcome {
  const waits = [`the Lattice service of this hostname went to route ${successor}, which leads its routes now`];
  return { state: 'pending', waits, serviceArn: undefined, dnsName: undefined, targetGroupArns: recordedTargetGroups(route) };
}

/** The recorded service is being deleted out of band: wait for it to go, keeping the record (rechecked next pass). */
export function serviceBeingDeleted(route: AnyRoute, serviceArn: string): LatticeOutcome {
  const waits = [`the recorded Lattice service ${serviceArn} is being deleted outside the controller; it is created again once gone`];
  return { state: 'pending', waits, serviceArn, dnsName: undefined, targetGroupArns: recordedTargetGroups(route) };
}

/**
 * A refusal the user can act on. What the failed pass knew is kept: the service (and so its DNS
 * name, recorded on the route when this pass did not read it) and the target groups it created.
 */
export function errorOutcome(
  route: AnyRoute,
  error: unknown,
  partial: Partial<Pick<ApplyResult, 'service' | 'targetGroupArns'>> = {},
): LatticeOutcome {
  const annotations = route.metadata.annotations;
  const serviceArn = partial.service?.arn ?? annotations?.[SERVICE_ARN_ANNOTATION];
  const dnsName = partial.service?.dnsName ?? (serviceArn ? annotations?.[ASSIGNED_DOMAIN_ANNOTATION] : undefined);
  return {
    state: 'error',
    message: awsErrorMessage(error),
    serviceArn,
    dnsName,
    targetGroupArns: partial.targetGroupArns ?? recordedTargetGroups(route),
  };
}

export function annotationsFor(route: AnyRoute, outcome: LatticeOutcome, discoveredCertificate: string | null = null): MetadataPatch {
  const { serviceArn, dnsName, sharedServiceArn } = outcome;
  return metadataPatch(route.metadata.annotations, {
    [DISCOVERED_CERTIFICATE_ANNOTATION]: discoveredCertificate,
    [SERVICE_ARN_ANNOTATION]: sharedServiceArn !== undefined ? null : (serviceArn ?? null),
    [SHARED_SERVICE_ANNOTATION]: sharedServiceArn ?? null,
    [ASSIGNED_DOMAIN_ANNOTATION]: dnsName ?? (serviceArn ? (route.metadata.annotations?.[ASSIGNED_DOMAIN_ANNOTATION] ?? null) : null),
    ...targetGroupsPatch(outcome.targetGroupArns),
  });
}

export function resyncOf(outcome: LatticeOutcome, built: BuiltRoute): number | undefined {
  if (built.certificateNeededFor) return CERTIFICATE_RESYNC_SECONDS;
  if (outcome.state === 'pending') return PENDING_RESYNC_SECONDS;
  if (outcome.state === 'error' || outcome.state === 'conflicted' || outcome.state === 'hostnameTaken') return ERROR_RESYNC_SECONDS;
  if (built.parentsWithoutNetwork.length > 0) return NETWORK_RESYNC_SECONDS;
  return undefined;
}
