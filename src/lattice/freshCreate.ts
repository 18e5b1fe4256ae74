import { isNotFound, Unobserved } from './awsErrors';
import { clientToken } from './clientToken';

/**
 * Lattice answers a create retried with a clientToken it has seen with the resource made the first
 * time, also when that resource was deleted since (by hand, by a script, or by our own teardown
 * before the object came back). Such an answer names a dead resource, and building on it fails
 * (or, for a rule, silently never converges). So every create is checked with one read, and made
 * again under a token that names the dead resource: still deterministic, so a lost response of
 * that second create is found again by the next pass. A caller that knows the token is new (its
 * input names a parent made in the same pass) passes a check that reads nothing; one whose next
 * write builds on the answer lets that write check it (see checkedByUse).
 */

const ATTEMPTS = 3;
const DEAD_STATUSES = new Set(['DELETE_IN_PROGRESS', 'DELETE_FAILED']);

interface Created {
  id?: string;
  arn?: string;
  status?: string;
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

/**
 * The check of a create that the pass builds on at once (a service gets its listeners, a group its
 * rules): no read. A dead answer makes that write fail, and the write then reads the answer back
 * (see UnreadAnswers); the pass records it, and the next pass, finding it gone, passes it in
 * `dead`. An answer named in `dead`, or answered as being deleted, is made again at once. While
 * `dead` names one, the pass is a repair, and any other answer is read back with `read`: the token
 * naming the dead one may have made a resource deleted since too, and only the last one is recorded.
 */
export function checkedByUse(
  dead: ReadonlySet<string>,
  read: (created: Created) => Promise<object | undefined>,
): (created: Created) => Promise<boolean> {
  return async (created) => {
    if (dead.has(created.arn ?? '') || DEAD_STATUSES.has(created.status ?? '')) return false;
    return dead.size === 0 || isAlive(read(created));
  };
}

/** The answers of one pass's creates checked by use (see checkedByUse), until a write built on them. */
export class UnreadAnswers {
  readonly #reads = new Map<string, () => Promise<object | undefined>>();

  /** `read`: the resource named by the answer `arn`. */
  add(arn: string, read: () => Promise<object | undefined>): void {
    this.#reads.set(arn, read);
  }

  confirmed(arn: string): void {
    this.#reads.delete(arn);
  }

  /**
   * Runs a write that builds on the answers; when it fails, they are read back, and one Lattice no
   * longer holds stops the pass. The pass records it, so the next pass finds it gone.
   */
  async check<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      const dead: string[] = [];
      for (const [arn, read] of this.#reads) if (!(await isAlive(read()))) dead.push(arn);
      if (dead.length === 0) throw error;
      throw new Unobserved(
        `VPC Lattice answered creates of this pass with ${dead.join(', ')}, which no longer exist (a create token of an earlier lifetime); made again next pass`,
      );
    }
  }
}
