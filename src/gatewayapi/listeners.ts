import { condition, type DesiredCondition } from '../metacontroller/conditions';
import type { CertificateRefResolution } from './certificateRefs';
import { importedCertificateArn } from './importedCertificates';
import { KEY_PREFIX } from './ourKeys';
import { GATEWAY_GROUP, type Gateway, type Listener, type RouteGroupKind, type RouteKind } from './types';

/** Listener protocols Lattice has. */
export type LatticeListenerProtocol = 'HTTP' | 'HTTPS' | 'TLS_PASSTHROUGH';

/** Gateway listener `tls.options` key holding the ACM certificate ARN of an HTTPS listener (Go controller compatible). */
export const CERTIFICATE_ARN_OPTION = `${KEY_PREFIX}certificate-arn`;

const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/** Route kinds a listener of each Lattice protocol can carry, and its kinds when `allowedRoutes.kinds` is empty. */
const KINDS_BY_PROTOCOL: Record<LatticeListenerProtocol, { allowed: readonly RouteKind[]; defaults: readonly RouteKind[] }> = {
  HTTP: { allowed: ['HTTPRoute', 'GRPCRoute'], defaults: ['HTTPRoute'] },
  HTTPS: { allowed: ['HTTPRoute', 'GRPCRoute'], defaults: ['HTTPRoute', 'GRPCRoute'] },
  TLS_PASSTHROUGH: { allowed: ['TLSRoute'], defaults: ['TLSRoute'] },
};

export interface ListenerAnalysis {
  listener: Listener;
  /** Undefined when the listener cannot be programmed on Lattice. */
  latticeProtocol: LatticeListenerProtocol | undefined;
  accepted: DesiredCondition;
  resolvedRefs: DesiredCondition;
  /** Present only when the listener conflicts with another one. */
  conflicted: DesiredCondition | undefined;
  supportedKinds: { group: string; kind: RouteKind }[];
  certificateArn: string | undefined;
  /** The certificate comes from the listener's certificateRefs (imported by the Gateway hook), not from ACM discovery. */
  certificateFromSecret: boolean;
  /** Accepted and not conflicted: routes may attach and Lattice listeners may be built from it. */
  usable: boolean;
}

function latticeProtocolOf(listener: Listener): { protocol?: LatticeListenerProtocol; rejection?: DesiredCondition } {
  const mode = listener.tls?.mode ?? 'Terminate';
  switch (listener.protocol) {
    case 'HTTP':
      return { protocol: 'HTTP' };
    case 'HTTPS':
      return mode === 'Terminate'
        ? { protocol: 'HTTPS' }
        : { rejection: condition('Accepted', 'False', 'UnsupportedValue', `HTTPS listeners support only tls.mode Terminate, not ${mode}`) };
    case 'TLS':
      return mode === 'Passthrough'
        ? { protocol: 'TLS_PASSTHROUGH' }
        : {
            rejection: condition(
              'Accepted',
              'False',
              'UnsupportedValue',
              'TLS listeners support only tls.mode Passthrough: VPC Lattice cannot terminate TLS for TLSRoutes',
            ),
          };
    default:
      return {
        rejection: condition(
          'Accepted',
          'False',
          'UnsupportedProtocol',
          `protocol ${listener.protocol} is not supported by VPC Lattice (supported: HTTP, HTTPS, TLS with Passthrough)`,
        ),
      };
  }
}

function kindsOf(
  listener: Listener,
  protocol: LatticeListenerProtocol,
): { supported: { group: string; kind: RouteKind }[]; invalid: string[] } {
  const { allowed, defaults } = KINDS_BY_PROTOCOL[protocol];
  const requested: RouteGroupKind[] = listener.allowedRoutes?.kinds ?? [];
  if (requested.length === 0) return { supported: defaults.map((kind) => ({ group: GATEWAY_GROUP, kind })), invalid: [] };
  const supported: { group: string; kind: RouteKind }[] = [];
  const invalid: string[] = [];
  for (const { group, kind } of requested) {
    const g = group ?? GATEWAY_GROUP;
    if (g === GATEWAY_GROUP && (allowed as readonly string[]).includes(kind)) {
      if (!supported.some((s) => s.kind === kind)) supported.push({ group: g, kind: kind as RouteKind });
    } else invalid.push(g === GATEWAY_GROUP ? kind : `${g}/${kind}`);
  }
  return { supported, invalid };
}

/** Resolves a listener's certificateRefs (the Gateway hook, which has the Secrets); route hooks pass none. */
export type CertificateRefResolver = (listener: Listener) => CertificateRefResolution;

function certificateCondition(
  gateway: Gateway,
  listener: Listener,
  protocol: LatticeListenerProtocol,
  resolveRefs: CertificateRefResolver | undefined,
): { resolvedRefs: DesiredCondition; certificateArn?: string } {
  if (protocol !== 'HTTPS') return { resolvedRefs: condition('ResolvedRefs', 'True', 'ResolvedRefs') };
  const arn = listener.tls?.options?.[CERTIFICATE_ARN_OPTION];
  const refs = listener.tls?.certificateRefs ?? [];
  if (arn === undefined && refs.length > 0) {
    const resolution = resolveRefs?.(listener);
    if (resolution?.state === 'invalid') return { resolvedRefs: condition('ResolvedRefs', 'False', resolution.reason, resolution.message) };
    const imported = importedCertificateArn(gateway, listener);
    return {
      resolvedRefs: condition('ResolvedRefs', 'True', 'ResolvedRefs', 'certificate from certificateRefs, imported into ACM'),
      ...(imported ? { certificateArn: imported } : {}),
    };
  }
  const secretsNote = refs.length > 0 ? `; certificateRefs are not used: the ${CERTIFICATE_ARN_OPTION} option names the certificate` : '';
  if (arn === undefined) {
    return {
      resolvedRefs: condition(
        'ResolvedRefs',
        'True',
        'ResolvedRefs',
        `no ${CERTIFICATE_ARN_OPTION} option: the certificate is found in ACM from each route's hostname`,
      ),
    };
  }
  if (!ACM_CERTIFICATE_ARN.test(arn)) {
    return {
      resolvedRefs: condition(
        'ResolvedRefs',
        'False',
        'InvalidCertificateRef',
        `tls.options ${CERTIFICATE_ARN_OPTION} "${arn}" is not an ACM certificate ARN`,
      ),
    };
  }
  return { resolvedRefs: condition('ResolvedRefs', 'True', 'ResolvedRefs', `ACM certificate ${arn}${secretsNote}`), certificateArn: arn };
}

/**
 * Lattice has one listener per port on a service, so two Gateway listeners on one port with
 * different protocols cannot both be built: both are Conflicted (the Gateway API forbids picking a
 * winner). Same port and protocol with different hostnames is fine: they share a Lattice listener.
 */
function protocolConflicts(analyses: { listener: Listener; protocol?: LatticeListenerProtocol }[]): Set<string> {
  // One pass per port, not one per pair: a forged Gateway may list any number of listeners.
  const protocolsByPort = new Map<unknown, Set<LatticeListenerProtocol>>();
  for (const { listener, protocol } of analyses) {
    if (protocol === undefined) continue;
    const seen = protocolsByPort.get(listener.port) ?? new Set();
    protocolsByPort.set(listener.port, seen.add(protocol));
  }
  const conflicted = new Set<string>();
  for (const { listener, protocol } of analyses) {
    if (protocol !== undefined && (protocolsByPort.get(listener.port)?.size ?? 0) > 1) conflicted.add(listener.name);
  }
  return conflicted;
}

function isPortNumber(port: unknown): boolean {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}

export function analyzeListeners(gateway: Gateway, resolveRefs?: CertificateRefResolver): ListenerAnalysis[] {
  const listeners = gateway.spec?.listeners ?? [];
  const protocols = listeners.map((listener) => ({ listener, ...latticeProtocolOf(listener) }));
  const conflicts = protocolConflicts(protocols);
  return protocols.map(({ listener, protocol, rejection }) => {
    // The CRD schema admits 1–65535 only; a port outside it (an API server without the schema) names no Lattice listener.
    const portProblem = isPortNumber(listener.port)
      ? undefined
      : condition('Accepted', 'False', 'PortUnavailable', `port ${JSON.stringify(listener.port)} is not a port number (1–65535)`);
    if (protocol === undefined || portProblem !== undefined) {
      return {
        listener,
        latticeProtocol: undefined,
        accepted: portProblem ?? (rejection as DesiredCondition),
        resolvedRefs: condition('ResolvedRefs', 'True', 'ResolvedRefs'),
        conflicted: undefined,
        supportedKinds: [],
        certificateArn: undefined,
        certificateFromSecret: false,
        usable: false,
      };
    }
    const kinds = kindsOf(listener, protocol);
    const certificate = certificateCondition(gateway, listener, protocol, resolveRefs);
    const resolvedRefs =
      kinds.invalid.length > 0
        ? condition(
            'ResolvedRefs',
            'False',
            'InvalidRouteKinds',
            `unsupported route kinds for a ${listener.protocol} listener: ${kinds.invalid.join(', ')}`,
          )
        : certificate.resolvedRefs;
    const conflicted = conflicts.has(listener.name)
      ? condition(
          'Conflicted',
          'True',
          'ProtocolConflict',
          `another listener uses port ${listener.port} with a different protocol; VPC Lattice has one listener per port`,
        )
      : undefined;
    const accepted = conflicted
      ? condition('Accepted', 'False', 'PortUnavailable', conflicted.message)
      : condition('Accepted', 'True', 'Accepted');
    return {
      listener,
      latticeProtocol: protocol,
      accepted,
      resolvedRefs,
      conflicted,
      supportedKinds: kinds.supported,
      certificateArn: certificate.certificateArn,
      certificateFromSecret:
        protocol === 'HTTPS' &&
        listener.tls?.options?.[CERTIFICATE_ARN_OPTION] === undefined &&
        (listener.tls?.certificateRefs?.length ?? 0) > 0,
      usable: conflicted === undefined,
    };
  });
}
