import { mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { copyStatus } from '../metacontroller/response';
import { PROGRAMMED_CONDITION } from './ourKeys';
import { normalizeParentRef, parentRefKey } from './parentRefs';
import { GATEWAY_GROUP, type AnyRoute, type ParentReference } from './types';

/**
 * Route parent conditions this controller owns: one of them not written in a sync is removed, so
 * no condition of ours outlives the generation it was written for.
 */
const OWNED = ['Accepted', 'ResolvedRefs', 'PartiallyInvalid', PROGRAMMED_CONDITION] as const;

export interface ParentStatusInput {
  specRef: ParentReference;
  conditions: DesiredCondition[];
}

function keyOf(ref: ParentReference, routeNamespace: string): string {
  return parentRefKey(normalizeParentRef(ref, routeNamespace));
}

/** The parentRef as the status carries it: as written, with group and kind explicit. */
function statusParentRef(ref: ParentReference): Record<string, unknown> {
  const out: Record<string, unknown> = { group: ref.group ?? GATEWAY_GROUP, kind: ref.kind ?? 'Gateway' };
  if (ref.namespace) out.namespace = ref.namespace;
  out.name = ref.name;
  if (ref.sectionName) out.sectionName = ref.sectionName;
  if (ref.port !== undefined) out.port = ref.port;
  return out;
}

/**
 * The route status with our `parents[]` entries replaced: other controllers' entries stay as they
 * are and where they are, our entries are updated in place (keeping lastTransitionTime), new ones
 * are appended in spec order, and ours that no longer apply are removed.
 */
export function buildRouteStatus(
  route: AnyRoute,
  desired: readonly ParentStatusInput[],
  options: { controllerName: string; generation: number; now: string },
): Record<string, unknown> {
  const status = copyStatus(route.status);
  const namespace = route.metadata.namespace ?? '';
  const wanted = new Map(desired.map((d) => [keyOf(d.specRef, namespace), d]));
  const placed = new Set<string>();
  const parents: unknown[] = [];
  for (const entry of (status.parents as unknown[] | undefined) ?? []) {
    const e = entry as { controllerName?: string; parentRef?: ParentReference; conditions?: unknown[] };
    if (e?.controllerName !== options.controllerName || !e.parentRef) {
      parents.push(entry);
      continue;
    }
    const key = keyOf(e.parentRef, namespace);
    const want = wanted.get(key);
    if (!want || placed.has(key)) continue;
    placed.add(key);
    parents.push({
      parentRef: statusParentRef(want.specRef),
      controllerName: options.controllerName,
      conditions: mergeConditions(e.conditions, want.conditions, { ...options, ownedTypes: OWNED }),
    });
  }
  for (const [key, want] of wanted) {
    if (placed.has(key)) continue;
    parents.push({
      parentRef: statusParentRef(want.specRef),
      controllerName: options.controllerName,
      conditions: mergeConditions([], want.conditions, { ...options, ownedTypes: OWNED }),
    });
  }
  status.parents = parents;
  return status;
}
