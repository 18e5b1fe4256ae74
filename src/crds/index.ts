import { customResourceDefinition, type CrdDefinition } from './schemas';
import { MULTICLUSTER_CRDS } from './multicluster';
import { NETWORKING_CRDS } from './networking';
import { POLICY_CRDS } from './policies';
import { LAMBDA_CRDS } from './lambda';

/**
 * Our CRDs. Field names follow the AWS Go controller's CRDs of the same kinds, so manifests written
 * for it keep working; unlike some of those, every CRD here has the status subresource (Metacontroller
 * needs it, and status writes must not bump the generation).
 */
export const CRD_DEFINITIONS: readonly CrdDefinition[] = [...NETWORKING_CRDS, ...MULTICLUSTER_CRDS, ...POLICY_CRDS, ...LAMBDA_CRDS];

export function crdManifests(): Record<string, unknown>[] {
  return CRD_DEFINITIONS.map(customResourceDefinition);
}
