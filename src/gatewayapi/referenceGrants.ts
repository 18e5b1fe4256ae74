import type { ObjectIndex } from '../metacontroller/objectIndex';
import { GATEWAY_GROUP, type ReferenceGrant } from './types';

export interface GrantRequest {
  from: { group: string; kind: string; namespace: string };
  to: { group: string; kind: string; namespace: string; name: string };
}

/**
 * Whether a cross-namespace reference is permitted: some ReferenceGrant in the target's namespace
 * has a matching `from` entry and a matching `to` entry (no `to.name` = every object of that
 * kind). Same-namespace references need no grant. Grants are additive; the group of the core API is "".
 */
export function referencePermitted(request: GrantRequest, index: ObjectIndex): boolean {
  if (request.from.namespace === request.to.namespace) return true;
  const grants = index.list<ReferenceGrant>(GATEWAY_GROUP, 'ReferenceGrant', request.to.namespace);
  return grants.some((grant) => {
    const spec = grant.spec ?? { from: [], to: [] };
    const fromOk = (spec.from ?? []).some(
      (f) => (f.group ?? '') === request.from.group && f.kind === request.from.kind && f.namespace === request.from.namespace,
    );
    const toOk = (spec.to ?? []).some(
      (t) =>
        (t.group ?? '') === request.to.group &&
        t.kind === request.to.kind &&
        (t.name === undefined || t.name === '' || t.name === request.to.name),
    );
    return fromOk && toOk;
  });
}
