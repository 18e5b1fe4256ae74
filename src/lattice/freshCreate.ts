import { isNotFound } from './awsErrors';
import { clientToken } from './clientToken';

/**
 * Lattice answers a create retried with a clientToken it has seen with the resource made the first
 * time, also when that resource was deleted since (by hand, by a script, or by our own teardown
 * before the object came back). Such an answer names a dead resource, and building on it fails
 * (or, for a rule, silently never converges). So every create is checked with one read, and made
 * again under a token that names the dead resource: still deterministic, so a lost response of
 * that second create is found again by the next pass. A caller that knows the token is new (its
 * input names a parent made in the same pass) passes a check that reads nothing.
 */

const ATTEMPTS = 3;
const DEAD_STATUSES = new Set(['DELETE_IN_PROGRESS', 'DELETE_FAILED']);

interface Created {
  id?: string;
  arn?: string;
}

/** Whether a read of a resource shows it alive: found, and not being deleted. */
export async function isAlive(read: Promise<object | undefined>): Promise<boolean> {
  try {
    const found = await read;
    return found !== undefined && !DEAD_STATUSES.has((found as { status?: string }).status ?? '');
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Runs `create` with the token of `owner` and `input`; when its answer names a resource that
 * `alive` does not find, creates again with `replaces` (the dead one) in the token parameters.
 */
export async function createFresh<T extends Created, I extends object>(
  owner: string,
  input: I,
  create: (input: I & { clientToken: string }) => Promise<T>,
  alive: (created: T) => Promise<boolean>,
): Promise<T> {
  let replaces: string | undefined;
  let created: T | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const token = clientToken(owner, replaces === undefined ? input : { ...input, replaces });
    created = await create({ ...input, clientToken: token });
    if (!created.id && !created.arn) return created;
    if (await alive(created)) return created;
    replaces = created.arn ?? created.id;
  }
  return created as T;
}
