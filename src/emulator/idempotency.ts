/**
 * `clientToken` semantics of the Create operations: a retry with the same token and the same
 * parameters returns the resource created the first time and creates nothing; the same token with
 * different parameters fails with ConflictException.
 */
import { ConflictError, type ResourceType } from './errors';
import type { OperationContext } from './operation';

/** JSON with sorted keys, so two equal inputs compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface IdempotentCreate {
  readonly operation: string;
  readonly clientToken: string | undefined;
  /** The whole validated input; the token itself is left out of the comparison. */
  readonly input: object & { clientToken?: string };
  readonly resourceType: ResourceType;
  /** Renders the resource created earlier, or undefined once it no longer exists. */
  readonly replay: (resourceId: string) => object | undefined;
  readonly create: () => { readonly resourceId: string; readonly response: object };
}

export function createIdempotently(context: OperationContext, request: IdempotentCreate): object {
  if (request.clientToken === undefined) return request.create().response;
  const key = `${request.operation}/${request.clientToken}`;
  const { clientToken: _token, ...parameters } = request.input;
  const fingerprint = canonicalJson(parameters);
  const previous = context.store.clientTokens.get(key);
  if (previous !== undefined) {
    if (previous.fingerprint !== fingerprint) {
      throw new ConflictError(
        request.resourceType,
        previous.resourceId,
        `clientToken ${request.clientToken} was already used with different parameters`,
      );
    }
    return request.replay(previous.resourceId) ?? previous.response;
  }
  const created = request.create();
  context.store.clientTokens.set(key, { fingerprint, resourceId: created.resourceId, response: created.response });
  return created.response;
}
