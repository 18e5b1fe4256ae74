import type { KubeObject } from '../metacontroller/types';
import { condition, type DesiredCondition } from '../metacontroller/conditions';
import { GATEWAY_GROUP } from './types';

export const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';

/**
 * The Gateway API CRDs the hooks read. Their bundle versions decide the GatewayClass
 * SupportedVersion condition.
 */
export const GATEWAY_API_CRD_NAMES = ['gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants', 'tlsroutes'].map(
  (plural) => `${plural}.${GATEWAY_GROUP}`,
);

/**
 * Bundle versions the hooks are written and tested against: v1.6 (the CRDs of the current
 * standard channel) and v1.5 (the oldest release the upstream safe-upgrades policy admits; its
 * schemas of the fields we read are the same).
 */
export const SUPPORTED_BUNDLE_MINORS = ['v1.5', 'v1.6'] as const;

export function isSupportedBundleVersion(version: string): boolean {
  const match = /^(v\d+\.\d+)\.\d+$/.exec(version);
  return match !== null && (SUPPORTED_BUNDLE_MINORS as readonly string[]).includes(match[1] as string);
}

/** The GatewayClass SupportedVersion condition for the Gateway API CRDs found in the request. */
export function supportedVersionCondition(crds: readonly KubeObject[]): DesiredCondition {
  const ours = crds.filter((crd) => GATEWAY_API_CRD_NAMES.includes(crd.metadata.name));
  const supported = `supported: ${SUPPORTED_BUNDLE_MINORS.map((m) => `${m}.x`).join(', ')}`;
  if (ours.length === 0) {
    return condition('SupportedVersion', 'Unknown', 'Pending', `No Gateway API CRDs are visible to the hook (${supported})`);
  }
  const problems: string[] = [];
  const detected = new Set<string>();
  for (const crd of ours) {
    const version = crd.metadata.annotations?.[BUNDLE_VERSION_ANNOTATION];
    if (version === undefined) problems.push(`${crd.metadata.name} has no ${BUNDLE_VERSION_ANNOTATION} annotation`);
    else {
      detected.add(version);
      if (!isSupportedBundleVersion(version)) problems.push(`${crd.metadata.name} is ${version}`);
    }
  }
  if (problems.length > 0) {
    return condition(
      'SupportedVersion',
      'False',
      'UnsupportedVersion',
      `Unsupported Gateway API CRDs: ${problems.sort().join('; ')} (${supported})`,
    );
  }
  return condition('SupportedVersion', 'True', 'SupportedVersion', `Gateway API ${[...detected].sort().join(', ')} (${supported})`);
}
