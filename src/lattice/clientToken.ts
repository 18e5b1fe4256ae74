import { createHash } from 'node:crypto';
import { canonicalJson } from '../model/canonicalJson';

/**
 * A deterministic Lattice `clientToken`: the same owner and the same desired parameters give the
 * same token, so a create retried after a crash or a timeout returns the resource it already made
 * instead of a duplicate; different parameters give a different token (Lattice refuses a token
 * reused with other parameters). 64 characters of [0-9a-f], within the API's `[!-~]{1,64}`.
 */
export function clientToken(owner: string, parameters: unknown): string {
  return createHash('sha256').update(owner).update('\u0000').update(canonicalJson(parameters)).digest('hex');
}
