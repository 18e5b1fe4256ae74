import { KEY_PREFIX } from '../gatewayapi/ourKeys';

/** Tag keys, compatible with the AWS Go controller's (so its resources can be adopted). */
export const TAG = {
  managedBy: `${KEY_PREFIX}ManagedBy`,
  routeName: `${KEY_PREFIX}RouteName`,
  routeNamespace: `${KEY_PREFIX}RouteNamespace`,
  routeType: `${KEY_PREFIX}RouteType`,
  clusterName: `${KEY_PREFIX}ClusterName`,
  serviceName: `${KEY_PREFIX}ServiceName`,
  serviceNamespace: `${KEY_PREFIX}ServiceNamespace`,
  sourceTypeKey: `${KEY_PREFIX}SourceTypeKey`,
  protocolVersion: `${KEY_PREFIX}ProtocolVersion`,
} as const;

/** Annotation with extra AWS tags: `k=v,k2=v2`. */
export const TAGS_ANNOTATION = `${KEY_PREFIX}tags`;

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * Parses the `tags` annotation like the Go controller: entries without `=` or with an empty key
 * or value are skipped, keys with characters AWS refuses are skipped, the first occurrence of a
 * key wins, and our own key prefix cannot be set (it would forge ownership).
 */
export function parseTagsAnnotation(value: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!value) return tags;
  for (const entry of value.split(',')) {
    const at = entry.indexOf('=');
    if (at === -1) continue;
    const key = entry.slice(0, at).trim();
    const tagValue = entry.slice(at + 1).trim();
    if (!key || !tagValue || !TAG_KEY.test(key) || !TAG_VALUE.test(tagValue)) continue;
    if (key.startsWith(KEY_PREFIX) || key.toLowerCase().startsWith('aws:')) continue;
    if (!Object.prototype.hasOwnProperty.call(tags, key))
      Object.defineProperty(tags, key, { value: tagValue, enumerable: true, writable: true, configurable: true });
  }
  return tags;
}

export type Ownership = 'ours' | 'unowned' | 'foreign';

/** Whose a Lattice resource is, from its ManagedBy tag. */
export function ownershipOf(tags: Readonly<Record<string, string>>, managedBy: string): Ownership {
  const owner = tags[TAG.managedBy];
  if (owner === undefined || owner === '') return 'unowned';
  return owner === managedBy ? 'ours' : 'foreign';
}

/** The tag changes that make `current` carry `desired` (other tags are left alone). */
export function tagChanges(current: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired)) if (current[key] !== value) changes[key] = value;
  return changes;
}

/** `namespace/name` of the route a resource's tags name (empty parts when a tag is missing). */
export function taggedRoute(tags: Readonly<Record<string, string>>): string {
  return `${tags[TAG.routeNamespace] ?? ''}/${tags[TAG.routeName] ?? ''}`;
}
