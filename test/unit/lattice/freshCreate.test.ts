import { clientToken } from '../../../src/lattice/clientToken';
import { checkedByUse, createFresh, isAlive, UnreadAnswers } from '../../../src/lattice/freshCreate';
import { Unobserved } from '../../../src/lattice/awsErrors';

const notFound = () => Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });

/** A Lattice that replays a token's first answer, whether or not that resource still exists. */
function latticeWithDead(deadIds: string[]) {
  const byToken = new Map<string, string>();
  const tokens: string[] = [];
  let next = 0;
  const create = async (input: { clientToken: string }) => {
    tokens.push(input.clientToken);
    const id = byToken.get(input.clientToken) ?? `new-${next++}`;
    byToken.set(input.clientToken, id);
    return { id, arn: `arn:${id}` };
  };
  const alive = async (c: { id?: string }) =>
    isAlive(deadIds.includes(c.id ?? '') ? Promise.reject(notFound()) : Promise.resolve({ status: 'ACTIVE' }));
  return { byToken, tokens, create, alive };
}

describe('createFresh: a create never answers with a dead resource', () => {
  const input = { name: 'shop-apps' };

  it('keeps the first answer when it is alive (one create, the usual token)', async () => {
    const lattice = latticeWithDead([]);
    expect(await createFresh('owner', input, lattice.create, lattice.alive)).toEqual({ id: 'new-0', arn: 'arn:new-0' });
    expect(lattice.tokens).toEqual([clientToken('owner', input)]);
  });

  it('creates again under a token naming the dead resource, and finds that one again on the next pass', async () => {
    const lattice = latticeWithDead(['old']);
    lattice.byToken.set(clientToken('owner', input), 'old');
    const first = await createFresh('owner', input, lattice.create, lattice.alive);
    expect(first.id).toBe('new-0');
    expect(lattice.tokens).toEqual([clientToken('owner', input), clientToken('owner', { ...input, replaces: 'arn:old' })]);
    // A lost response, then the next pass: the same two tokens, the same resource, nothing new.
    expect((await createFresh('owner', input, lattice.create, lattice.alive)).id).toBe('new-0');
  });

  it('treats a resource being deleted as dead and lets other read errors through', async () => {
    expect(await isAlive(Promise.resolve({ status: 'DELETE_IN_PROGRESS' }))).toBe(false);
    expect(await isAlive(Promise.resolve({ status: 'CREATE_IN_PROGRESS' }))).toBe(true);
    await expect(isAlive(Promise.reject(Object.assign(new Error('slow'), { name: 'ThrottlingException' })))).rejects.toThrow('slow');
  });
});

describe('checkedByUse: an answer the pass builds on at once is not read back', () => {
  const input = { name: 'shop-apps' };
  const read = (lattice: ReturnType<typeof latticeWithDead>, reads: string[]) => (c: { id?: string }) => {
    reads.push(c.id ?? '');
    return lattice.alive(c).then((alive) => (alive ? { status: 'ACTIVE' } : undefined));
  };

  it('keeps any answer but a recorded resource found gone, or one being deleted; those are made again at once', async () => {
    const lattice = latticeWithDead(['old']);
    const reads: string[] = [];
    lattice.byToken.set(clientToken('owner', input), 'old');
    // Not known dead: kept without a read (the write built on it finds out).
    expect((await createFresh('owner', input, lattice.create, checkedByUse(new Set(), read(lattice, reads)))).id).toBe('old');
    expect(reads).toEqual([]);
    // Recorded and found gone by the observation: made again under the token naming it.
    expect((await createFresh('owner', input, lattice.create, checkedByUse(new Set(['arn:old']), read(lattice, reads)))).id).toBe('new-0');
    const none = checkedByUse(new Set(), read(lattice, reads));
    expect(await none({ arn: 'arn:x', status: 'DELETE_IN_PROGRESS' })).toBe(false);
    expect(await none({ arn: 'arn:x', status: 'CREATE_IN_PROGRESS' })).toBe(true);
  });

  it('reads back the other answers of a repair: the token naming the dead resource may have made one deleted since too', async () => {
    // Two lifetimes gone: the first token made `old`, the token replacing it made `older-replacement`; only the last is recorded.
    const lattice = latticeWithDead(['old', 'replacement']);
    const reads: string[] = [];
    lattice.byToken.set(clientToken('owner', input), 'old');
    lattice.byToken.set(clientToken('owner', { ...input, replaces: 'arn:old' }), 'replacement');
    const made = await createFresh('owner', input, lattice.create, checkedByUse(new Set(['arn:replacement']), read(lattice, reads)));
    expect(made.id).toBe('new-0');
    expect(reads).toEqual(['old', 'new-0']);
  });

  it('reads the unconfirmed answers only when a write built on them fails', async () => {
    const reads: string[] = [];
    const unread = new UnreadAnswers();
    const read = (arn: string, alive: boolean) => () => {
      reads.push(arn);
      return alive ? Promise.resolve({ status: 'ACTIVE' }) : Promise.reject(notFound());
    };
    unread.add('arn:svc', read('arn:svc', true));
    unread.add('arn:tg', read('arn:tg', false));
    expect(await unread.check(Promise.resolve('ok'))).toBe('ok');
    expect(reads).toEqual([]);
    await expect(unread.check(Promise.reject(new Error('refused')))).rejects.toThrow(Unobserved);
    expect(reads).toEqual(['arn:svc', 'arn:tg']);
    unread.confirmed('arn:tg');
    await expect(unread.check(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });
});
