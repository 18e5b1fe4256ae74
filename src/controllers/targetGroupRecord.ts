import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import type { KubeObject } from '../metacontroller/types';

/**
 * Our target groups of a route or an export, recorded on the object, so that groups it no longer
 * wants are found and retired (and, on deletion, none is forgotten).
 */
export const TARGET_GROUPS_ANNOTATION = `${KEY_PREFIX}lattice-target-group-arns`;

export function recordedTargetGroups(object: KubeObject): string[] {
  return (object.metadata.annotations?.[TARGET_GROUPS_ANNOTATION] ?? '').split(',').filter((a) => a.startsWith('arn:'));
}

/** The annotation patch recording `arns` (none: the annotation goes). */
export function targetGroupsPatch(arns: readonly string[]): Record<string, string | null> {
  return { [TARGET_GROUPS_ANNOTATION]: arns.length > 0 ? arns.join(',') : null };
}
